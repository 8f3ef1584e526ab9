namespace VideoStyler.Frames;

/// <summary>
/// Lowers the scheduling priority of the calling thread (Linux: a thread has its own nice value).
/// The live model thread runs below the capture, propagation and encode threads, so a slow model
/// delays keyframes, never the output.
/// </summary>
internal static class ThreadNice
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
            return Libc.SetPriority(PrioProcess, Libc.GetTid(), niceness) == 0;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }
}
