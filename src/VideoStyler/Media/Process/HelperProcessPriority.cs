using VideoStyler.Frames;

namespace VideoStyler.Media;

/// <summary>
/// Lowers the scheduling priority of our ffmpeg child processes. On a CPU the model is the bottleneck
/// (~99% of the work); decode and encode only need to keep up, so they should take the cores when
/// ONNX Runtime's threads are idle rather than preempt them. Linux only; a no-op elsewhere.
/// </summary>
internal static class HelperProcessPriority
{
    private const int PrioProcess = 0;

    /// <summary>Sets the nice value of every direct child process (ffmpeg) of this process. Returns how many.</summary>
    public static int LowerChildren(int niceness = 10)
    {
        // A child that exits meanwhile is fine: there is nothing left to lower.
        return ChildProcesses.Children().Count(pid => Libc.SetPriority(PrioProcess, pid, niceness) == 0);
    }
}
