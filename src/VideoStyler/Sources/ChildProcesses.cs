using System.Globalization;
using System.Runtime.InteropServices;

namespace VideoStyler.Sources;

/// <summary>
/// Ends this process's own ffmpeg/ffprobe children at once (a second Ctrl-C), found through
/// /proc/self/task/*/children: SIGTERM first (ffmpeg then writes its trailer, so what it wrote plays),
/// SIGKILL for any still there after the grace period. No other process is touched.
/// </summary>
internal static partial class ChildProcesses
{
    private const int SigKill = 9;
    private const int SigTerm = 15;

    /// <summary>Ends the ffmpeg and ffprobe children; returns how many there were.</summary>
    public static int EndFfmpegChildren(TimeSpan grace)
    {
        var children = FfmpegChildren();
        foreach (var pid in children)
        {
            _ = Kill(pid, SigTerm);
        }

        var until = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < until && children.Any(Running))
        {
            Thread.Sleep(50);
        }

        foreach (var pid in children.Where(Running))
        {
            _ = Kill(pid, SigKill);
        }

        return children.Count;
    }

    private static List<int> FfmpegChildren()
    {
        var result = new List<int>();
        if (!OperatingSystem.IsLinux())
        {
            return result;
        }

        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                var list = Path.Combine(task, "children");
                if (!File.Exists(list))
                {
                    continue;
                }

                foreach (var text in File.ReadAllText(list).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                        && Command(pid) is "ffmpeg" or "ffprobe")
                    {
                        result.Add(pid);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // /proc unreadable: nothing to end from here.
        }

        return result;
    }

    private static string? Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Still running: /proc/PID/stat exists and its state is not Z (ended, not yet reaped).</summary>
    private static bool Running(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..];
            return !state.StartsWith('Z') && !state.StartsWith('X');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
