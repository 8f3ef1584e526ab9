using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace VideoStyler.Tests.Support;

/// <summary>
/// A small HTTP file server on 127.0.0.1 for download tests: serves files from a folder, honours
/// "Range: bytes=N-", can corrupt what it sends, and records the Range headers it was asked for.
/// </summary>
internal sealed class RangeFileServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly string _root;
    private readonly Task _loop;

    public RangeFileServer(string root)
    {
        _root = root;
        (_listener, Port) = Listen();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}/";

    public bool Corrupt { get; set; }

    public ConcurrentQueue<string?> RangesRequested { get; } = new();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var response = context.Response;
            var path = Path.Combine(_root, Path.GetFileName(context.Request.Url!.AbsolutePath));
            if (!File.Exists(path))
            {
                response.StatusCode = 404;
                continue;
            }

            var bytes = await File.ReadAllBytesAsync(path);
            if (Corrupt)
            {
                bytes[bytes.Length / 2] ^= 0xFF;
            }

            var range = context.Request.Headers["Range"];
            RangesRequested.Enqueue(range);
            var start = 0;
            if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal))
            {
                start = int.Parse(range["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture);
                response.StatusCode = 206;
                response.Headers["Content-Range"] = $"bytes {start}-{bytes.Length - 1}/{bytes.Length}";
            }

            response.ContentLength64 = bytes.Length - start;
            await response.OutputStream.WriteAsync(bytes.AsMemory(start));
        }
    }

    /// <summary>
    /// HttpListener cannot take port 0: a port found free is tried, and another one if a different
    /// process took it meanwhile.
    /// </summary>
    private static (HttpListener Listener, int Port) Listen()
    {
        for (var attempt = 1; ; attempt++)
        {
            int port;
            using (var socket = new TcpListener(IPAddress.Loopback, 0))
            {
                socket.Start();
                port = ((IPEndPoint)socket.LocalEndpoint).Port;
            }

            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }
}
