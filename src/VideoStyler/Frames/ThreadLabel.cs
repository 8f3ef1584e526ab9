using System.Runtime.InteropServices;
using System.Text;

namespace VideoStyler.Frames;

/// <summary>
/// The kernel's name of the calling thread (/proc/self/task/TID/comm, 15 bytes at most). Threads a
/// native library starts inherit the name of the thread that starts them, so naming the thread that
/// creates an ONNX Runtime session for that moment names the session's intra-op pool (which has no
/// name of its own), and `bench` can attribute CPU time per consumer. Linux only; a no-op elsewhere.
/// </summary>
internal static partial class ThreadLabel
{
    /// <summary>The name ONNX Runtime's intra-op threads carry.</summary>
    public const string OrtPool = "vs-ort-pool";

    private const int PrSetName = 15;
    private const int PrGetName = 16;

    /// <summary>Names the calling thread until the returned scope is disposed, then gives it its old name back.</summary>
    public static Scope Push(string name)
    {
        var old = Get();
        Set(name);
        return new Scope(old);
    }

    /// <summary>Names the calling thread (truncated to 15 bytes).</summary>
    public static void Set(string name)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var bytes = new byte[16];
        Encoding.ASCII.GetBytes(name.AsSpan(0, Math.Min(15, name.Length)), bytes);
        try
        {
            _ = SetName(PrSetName, bytes, 0, 0, 0);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
        }
    }

    /// <summary>The calling thread's kernel name, or null where it cannot be read.</summary>
    public static string? Get()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var bytes = new byte[16];
        try
        {
            if (GetName(PrGetName, bytes, 0, 0, 0) != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }

        var length = Array.IndexOf(bytes, (byte)0);
        return Encoding.ASCII.GetString(bytes, 0, length < 0 ? bytes.Length : length);
    }

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int SetName(int option, byte[] name, nint arg3, nint arg4, nint arg5);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int GetName(int option, byte[] name, nint arg3, nint arg4, nint arg5);

    /// <summary>Gives the thread its old name back.</summary>
    public readonly struct Scope(string? old) : IDisposable
    {
        public void Dispose()
        {
            if (old is not null)
            {
                Set(old);
            }
        }
    }
}
