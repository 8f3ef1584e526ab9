using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace VideoStyler.Tests.Live;

/// <summary>
/// The receiving end of a live run's udp:// output, in the test: a socket bound to a port the system
/// picks (no free-port guess that another process could take meanwhile), open before the run starts.
/// Every datagram is appended to a file and stamped with its arrival time, so that the arrival of each
/// video frame can be read back (<see cref="FrameArrivalsAsync"/>). The time is the kernel's (SIOCGSTAMP:
/// when the datagram reached the socket), so a receiving thread that a loaded machine runs late does not
/// show up as a gap in the stream. The receiving thread never asserts:
/// what went wrong there is thrown on the test thread by <see cref="StopAsync"/>.
/// </summary>
internal sealed partial class UdpReceiver : IDisposable
{
    /// <summary>SIOCGSTAMP (linux/sockios.h): the time the last datagram reached the socket, as a struct timeval.</summary>
    private const nuint SiocGStamp = 0x8906;

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly FileStream _file;
    private readonly List<(long Offset, double Arrival)> _datagrams = [];
    private readonly Thread _thread;
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private Exception? _failure;
    private long _bytes;

    /// <param name="path">Where the received stream is written (MPEG-TS for the live udp:// output).</param>
    public UdpReceiver(string path)
    {
        Path = path;
        _file = File.Create(path);
        _socket.ReceiveBufferSize = 8 << 20;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _thread = new Thread(Receive) { IsBackground = true, Name = "udp receiver" };
        _thread.Start();
    }

    public int Port { get; }

    /// <summary>Whether the arrival times came from the kernel (SIOCGSTAMP) rather than the receiving thread's clock.</summary>
    public bool KernelStamps { get; private set; }

    /// <summary>The live output to give the run under test.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"udp://127.0.0.1:{Port}");

    public string Path { get; }

    public int Datagrams
    {
        get
        {
            lock (_datagrams)
            {
                return _datagrams.Count;
            }
        }
    }

    /// <summary>Arrival time (Unix seconds) of each datagram so far, in order.</summary>
    public IReadOnlyList<double> DatagramArrivals()
    {
        lock (_datagrams)
        {
            return [.. _datagrams.Select(d => d.Arrival)];
        }
    }

    /// <summary>
    /// Once the sender has ended: takes what is still on its way (until nothing came for half a
    /// second), closes the socket and the file, and throws what failed on the receiving thread.
    /// </summary>
    public async Task StopAsync()
    {
        while (true)
        {
            lock (_datagrams)
            {
                if (_sinceLast.Elapsed > TimeSpan.FromMilliseconds(500))
                {
                    break;
                }
            }

            await Task.Delay(50);
        }

        Dispose();
        if (_failure is not null)
        {
            throw new InvalidOperationException("the UDP receiver failed", _failure);
        }
    }

    /// <summary>
    /// Arrival time (Unix seconds) of every video packet in the received MPEG-TS stream, in stream order:
    /// the arrival of the datagram that holds the packet's first byte.
    /// </summary>
    public async Task<List<double>> FrameArrivalsAsync()
    {
        var probe = await Support.Cli.RunProcessAsync(
            "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pos", "-of", "csv=p=0", Path], TimeSpan.FromMinutes(2));
        Assert.True(probe.ExitCode == 0, probe.ToString());
        var offsets = _datagrams.Select(d => d.Offset).ToArray();
        var result = new List<double>();
        foreach (var line in probe.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pos = long.Parse(line.TrimEnd(','), CultureInfo.InvariantCulture);
            var index = Array.BinarySearch(offsets, pos);
            // Not an exact start: the datagram that starts before it holds it.
            result.Add(_datagrams[index >= 0 ? index : ~index - 1].Arrival);
        }

        return result;
    }

    public void Dispose()
    {
        _socket.Dispose();
        _thread.Join();
        _file.Dispose();
    }

    /// <summary>Arrival time (Unix seconds) of the datagram just received, as the kernel stamped it; null where it cannot say.</summary>
    private double? KernelArrival()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        if (Ioctl(_socket.Handle, SiocGStamp, out var time) != 0)
        {
            return null;
        }

        KernelStamps = true;
        return time.Seconds + (time.Microseconds / 1e6);
    }

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(nint fd, nuint request, out TimeVal value);

    /// <summary>A struct timeval (64-bit Linux).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    private void Receive()
    {
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                var length = _socket.Receive(buffer);
                var arrival = KernelArrival() ?? (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalSeconds;
                _file.Write(buffer, 0, length);
                lock (_datagrams)
                {
                    _datagrams.Add((_bytes, arrival));
                    _sinceLast.Restart();
                }

                _bytes += length;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Closed by Dispose: the end.
        }
        catch (Exception ex) when (ex is IOException)
        {
            _failure = ex;
        }
    }
}
