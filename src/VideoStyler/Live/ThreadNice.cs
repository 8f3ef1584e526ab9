using System.Runtime.InteropServices;

namespace VideoStyler.Live;

/// <summary>
/// Lowers the scheduling priority of the calling thread (Linux: a thread has its own nice value).
/// The live model thread runs below the capture, propagation and encode threads, so a slow model
/// delays keyframes, never the output.
/// </summary>
internal static partial class ThreadNice
{
    private const int PrioProcess = 0;

    public static bool LowerCurrentThread(int niceness)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return SetPriority(PrioProcess, GetTid(), niceness) == 0;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);
}
