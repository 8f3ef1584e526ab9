using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VideoStyler.Tests.Live;

/// <summary>
/// A clip served in real time as MPEG-TS over TCP on 127.0.0.1, to the first client that connects, by the test
/// itself: the listening socket is bound to a port the system picks (no free-port guess), and an ffmpeg
/// child (-re, looped) writes the stream that is copied to the client. The test can close the stream
/// (<see cref="Close"/>: the connection ends and new ones are refused), serve it again on the same port
/// (<see cref="Reopen"/>), or freeze it (<see cref="Freeze"/>: the connection stays open, nothing is sent).
/// The copying task never asserts; its errors only end the connection.
/// </summary>
internal sealed class TcpStreamServer : IDisposable
{
    private readonly string _clip;
    private readonly StringBuilder _errors = new();
    private readonly Lock _gate = new();
    private TcpListener? _listener;
    private TcpClient? _client;
    private Process? _ffmpeg;
    private Task _loop = Task.CompletedTask;

    public TcpStreamServer(string clip)
    {
        _clip = clip;
        Port = Listen(0);
    }

    public int Port { get; }

    public string Url => string.Create(CultureInfo.InvariantCulture, $"tcp://127.0.0.1:{Port}");

    /// <summary>The stream closes: the client's connection ends, new connections are refused.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _listener?.Stop();
            _listener = null;
            _client?.Dispose();
            _client = null;
            StopFfmpeg();
        }

        _loop.Wait(TimeSpan.FromSeconds(30));
    }

    /// <summary>The stream is served again on the same port.</summary>
    public void Reopen()
    {
        Close();
        Listen(Port);
    }

    /// <summary>The stream hangs: the connection stays open and nothing more is sent (SIGSTOP to the ffmpeg).</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            if (_ffmpeg is { HasExited: false } ffmpeg)
            {
                using var kill = Process.Start("kill", ["-STOP", ffmpeg.Id.ToString(CultureInfo.InvariantCulture)]);
                kill.WaitForExit();
            }
        }
    }

    /// <summary>What the ffmpeg children said on stderr (for failure messages).</summary>
    public string Errors()
    {
        lock (_errors)
        {
            return _errors.ToString();
        }
    }

    public void Dispose() => Close();

    private int Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        lock (_gate)
        {
            _listener = listener;
        }

        _loop = Task.Run(() => ServeAsync(listener));
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Serves the first client, then stops listening (as ffmpeg's listen=1 does).</summary>
    private async Task ServeAsync(TcpListener listener)
    {
        TcpClient client;
        try
        {
            client = await listener.AcceptTcpClientAsync();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
        {
            return; // Closed before a client came.
        }

        Process ffmpeg;
        lock (_gate)
        {
            listener.Stop();
            if (!ReferenceEquals(_listener, listener))
            {
                client.Dispose();
                return;
            }

            _listener = null;
            _client = client;
            ffmpeg = StartFfmpeg();
            _ffmpeg = ffmpeg;
        }

        try
        {
            await ffmpeg.StandardOutput.BaseStream.CopyToAsync(client.GetStream());
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away or the test closed the stream.
        }

        lock (_gate)
        {
            if (ReferenceEquals(_client, client))
            {
                _client = null;
                StopFfmpeg();
            }
        }

        client.Dispose();
    }

    private Process StartFfmpeg()
    {
        var info = Support.Cli.NewStartInfo(
            "ffmpeg",
            ["-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-stream_loop", "-1", "-i", _clip, "-c", "copy", "-f", "mpegts", "pipe:1"]);
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.StandardInput.Close();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Kills the current ffmpeg (a frozen one too); called under the lock.</summary>
    private void StopFfmpeg()
    {
        if (_ffmpeg is null)
        {
            return;
        }

        try
        {
            _ffmpeg.Kill(entireProcessTree: true);
            _ffmpeg.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _ffmpeg.Dispose();
        _ffmpeg = null;
    }
}
