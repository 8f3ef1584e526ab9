using VideoStyler.Frames;

namespace VideoStyler.Media;

/// <summary>
/// Lowers the scheduling priority of our ffmpeg child processes. On a CPU the model is the bottleneck
/// (~99% of the work); decode and encode only need to keep up, so they should take the cores when
/// ONNX Runtime's threads are idle rather than preempt them. Linux only; a no-op elsewhere.
/// On Linux a nice value belongs to a thread: this lowers each child's main thread (which reads and writes
/// the pipes); the decoder's and x264's worker threads, started before, keep nice 0. Lowering those too was
/// measured slower, not faster (bench, 2 cores, candy / starry-night at 480, efficiency without / with the
/// temporal stage: every ffmpeg thread at nice 10 0.828 / 0.829 and 0.802 / 0.793, every one SCHED_IDLE 0.886 /
/// 0.826 and 0.897 / 0.822, against 0.950-0.969 / 0.916-0.924 and 0.901-0.925 / 0.821-0.877 as here, same
/// hour): starved codec threads stall the frames the model waits for. So only the main threads are lowered.
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
