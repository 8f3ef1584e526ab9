using System.Globalization;
using System.Runtime.InteropServices;

namespace VideoStyler.Pipeline;

/// <summary>
/// Lowers the scheduling priority of our ffmpeg child processes. On a CPU the model is the bottleneck
/// (~99% of the work); decode and encode only need to keep up, so they should take the cores when
/// ONNX Runtime's threads are idle rather than preempt them. Linux only; a no-op elsewhere.
/// </summary>
internal static partial class HelperProcessPriority
{
    private const int PrioProcess = 0;

    /// <summary>Sets the nice value of every direct child process (ffmpeg) of this process. Returns how many.</summary>
    public static int LowerChildren(int niceness = 10)
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var count = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                var childrenFile = Path.Combine(task, "children");
                if (!File.Exists(childrenFile))
                {
                    continue;
                }

                foreach (var pid in File.ReadAllText(childrenFile).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(pid, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
                        && SetPriority(PrioProcess, id, niceness) == 0)
                    {
                        count++;
                    }
                }
            }
        }
        catch (IOException)
        {
            // A child that exits while we look is fine: there is nothing left to lower.
        }

        return count;
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);
}
