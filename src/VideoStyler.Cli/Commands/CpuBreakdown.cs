using VideoStyler.Pipeline;
using System.Globalization;
using VideoStyler.Frames;
using VideoStyler.Stylize;

namespace VideoStyler.Cli.Commands;

/// <summary>
/// Where `bench`'s CPU time goes: two snapshots of the kernel's per-thread CPU time of this process
/// (/proc/self/task/TID/stat, grouped by thread name: the stage threads and ONNX Runtime's pool are
/// named, see <see cref="ThreadLabel"/>) and of each ffmpeg child (/proc/PID/stat, all its threads),
/// plus the GC's pause time; the difference divided by the frames between them is CPU ms per frame
/// by consumer. Linux only (empty elsewhere).
/// </summary>
internal sealed class CpuBreakdown
{
    public const string Model = "onnxruntime_pool";
    public const string StylizeThread = "stylize_thread";
    public const string FinishThread = "finish_thread";
    public const string PipesAndThreadPool = "pipes_threadpool";
    public const string Runtime = "dotnet_runtime";
    public const string Decode = "ffmpeg_decode";
    public const string Encode = "ffmpeg_encode";

    private static readonly double MsPerTick = 1000.0 / 100; // USER_HZ: 100 on Linux

    private readonly Dictionary<int, (string Consumer, long Ticks)> _threads;
    private readonly Dictionary<int, (string Consumer, long Ticks)> _children;
    private readonly TimeSpan _gcPause;
    private readonly long _frames;

    private CpuBreakdown(Dictionary<int, (string, long)> threads, Dictionary<int, (string, long)> children, TimeSpan gcPause, long frames)
    {
        _threads = threads;
        _children = children;
        _gcPause = gcPause;
        _frames = frames;
    }

    /// <summary>Reads the CPU time so far of every thread of this process and of its child processes.</summary>
    public static CpuBreakdown Snapshot(long framesWritten)
    {
        var threads = new Dictionary<int, (string, long)>();
        var children = new Dictionary<int, (string, long)>();
        if (OperatingSystem.IsLinux())
        {
            foreach (var task in SafeDirectories("/proc/self/task"))
            {
                if (ReadStat(Path.Combine(task, "stat")) is { } stat)
                {
                    threads[stat.Id] = (ThreadConsumer(stat.Name), stat.Ticks);
                }

                foreach (var pid in SafeRead(Path.Combine(task, "children"))?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [])
                {
                    var dir = "/proc/" + pid;
                    if (ReadStat(Path.Combine(dir, "stat")) is { } child)
                    {
                        var cmdline = SafeRead(Path.Combine(dir, "cmdline"))?.Replace('\0', ' ') ?? "";
                        children[child.Id] = (cmdline.Contains("rawvideo -", StringComparison.Ordinal) && !cmdline.Contains("libx264", StringComparison.Ordinal) ? Decode : Encode, child.Ticks);
                    }
                }
            }
        }

        return new CpuBreakdown(threads, children, GC.GetTotalPauseDuration(), framesWritten);
    }

    /// <summary>CPU ms per frame by consumer between <paramref name="start"/> and <paramref name="end"/>.</summary>
    public static Dictionary<string, double?> PerFrame(CpuBreakdown start, CpuBreakdown end)
    {
        var frames = Math.Max(1, end._frames - start._frames);
        var sums = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [Model] = 0, [StylizeThread] = 0, [FinishThread] = 0, [PipesAndThreadPool] = 0, [Runtime] = 0, [Decode] = 0, [Encode] = 0,
        };
        Accumulate(sums, start._threads, end._threads);
        Accumulate(sums, start._children, end._children);
        var result = new Dictionary<string, double?>(StringComparer.Ordinal);
        var total = 0.0;
        foreach (var (consumer, ticks) in sums)
        {
            var ms = ticks * MsPerTick / frames;
            total += ms;
            result[consumer] = Math.Round(ms, 1);
        }

        if (!end._children.Values.Any(c => c.Consumer == Decode))
        {
            result[Decode] = null; // the decoder's ffmpeg had ended: its time is gone from /proc
        }

        result["total"] = Math.Round(total, 1);
        result["gc_pause"] = Math.Round((end._gcPause - start._gcPause).TotalMilliseconds / frames, 2);
        result["frames"] = frames;
        return result;
    }

    /// <summary>One line for the text report.</summary>
    public static string Describe(IReadOnlyDictionary<string, double?> perFrame) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"ORT pool {perFrame[Model]}, stylize thread {perFrame[StylizeThread]} (pre/post + ORT's calling thread), finish {perFrame[FinishThread]} (temporal stage and its helper, controls), " +
            $"ffmpeg decode {perFrame[Decode]}, encode {perFrame[Encode]}, pipes/thread pool {perFrame[PipesAndThreadPool]}, .NET runtime {perFrame[Runtime]}; total {perFrame["total"]} (GC pauses {perFrame["gc_pause"]})");

    private static void Accumulate(Dictionary<string, double> sums, Dictionary<int, (string Consumer, long Ticks)> start, Dictionary<int, (string Consumer, long Ticks)> end)
    {
        foreach (var (id, (consumer, ticks)) in end)
        {
            // A thread or child that started inside the window counts from zero.
            var before = start.TryGetValue(id, out var s) ? s.Ticks : 0;
            sums[consumer] += ticks - before;
        }
    }

    private static string ThreadConsumer(string name) => name switch
    {
        ThreadLabel.OrtPool => Model,
        StylizeRunner.StylizeThreadName => StylizeThread,
        StylizeRunner.FinishThreadName or FeatureFlowStylizer.HelperThreadName => FinishThread,
        ".NET TP Worker" or ".NET Long Runni" or ".NET Sockets" or ".NET TP Wait" or ".NET TP Gate" => PipesAndThreadPool,
        _ => Runtime,
    };

    private static (int Id, string Name, long Ticks)? ReadStat(string path)
    {
        // pid (comm) state ppid ... utime stime: comm may hold spaces and parentheses, so split after the last ')'.
        var text = SafeRead(path);
        var open = text?.IndexOf('(') ?? -1;
        var close = text?.LastIndexOf(')') ?? -1;
        if (text is null || open < 0 || close < open)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 13
            || !int.TryParse(text.AsSpan(0, open).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
            || !long.TryParse(fields[11], NumberStyles.Integer, CultureInfo.InvariantCulture, out var user)
            || !long.TryParse(fields[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out var system))
        {
            return null;
        }

        return (id, text[(open + 1)..close], user + system);
    }

    private static string? SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // the thread or child ended while we looked
        }
    }

    private static string[] SafeDirectories(string path)
    {
        try
        {
            return Directory.GetDirectories(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
