using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace VideoStyler.Files;

/// <summary>
/// "A run is writing this output now", held by a Unix socket bound to an abstract name (Linux): the
/// name is a hash of the output folder's identity (device + inode) and the file name, so any spelling
/// of the same output meets the same lock. Binding a name another process holds fails, and the kernel
/// frees the name when the holder ends, even killed: no lock file is written and none is left behind.
/// </summary>
internal sealed class OutputLock : IDisposable
{
    private readonly Socket? _socket;

    private OutputLock(Socket? socket)
    {
        _socket = socket;
    }

    /// <summary>Takes the lock for <paramref name="finalPath"/> (its folder must exist); null when another run holds it.</summary>
    public static OutputLock? TryAcquire(string finalPath)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new OutputLock(null);
        }

        var full = Path.GetFullPath(finalPath);
        var folder = Path.GetDirectoryName(full)!;
        var identity = FileIdentity.Of(folder)?.ToString() ?? folder;
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{identity}\n{Path.GetFileName(full)}")))[..40];
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint("\0videostyler-output-" + key));
            return new OutputLock(socket);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            return null;
        }
    }

    public void Dispose() => _socket?.Dispose();
}
