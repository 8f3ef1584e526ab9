using VideoStyler.Pipeline;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using VideoStyler.Sources;
using VideoStyler.Stylize;

namespace VideoStyler.Cli;

/// <summary>
/// A progress bar with frames, fps and ETA on stderr (Spectre.Console) when stderr is a terminal;
/// a plain progress line every few seconds otherwise (logs, CI).
/// </summary>
internal sealed class ProgressView
{
    private readonly IAnsiConsole _console;

    public ProgressView(IAnsiConsole console)
    {
        _console = console;
    }

    public async Task<StylizeResult> RunAsync(
        Func<Action<VideoInfo, FrameStylizer>, Action<long>, Task<StylizeResult>> run)
    {
        var clock = Stopwatch.StartNew();
        if (!_console.Profile.Capabilities.Interactive || Console.IsErrorRedirected)
        {
            long total = 0;
            var lastPrint = 0L;
            return await run(
                (info, style) =>
                {
                    total = info.FrameCountEstimate ?? 0;
                    PrintStart(info, style);
                    clock.Restart();
                },
                frames =>
                {
                    var now = clock.ElapsedMilliseconds;
                    if (now - Interlocked.Read(ref lastPrint) >= 5000)
                    {
                        Interlocked.Exchange(ref lastPrint, now);
                        var fps = frames / Math.Max(0.001, clock.Elapsed.TotalSeconds);
                        var eta = total > frames && fps > 0 ? $", ETA {TimeSpan.FromSeconds((total - frames) / fps):mm\\:ss}" : "";
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {frames}/{(total > 0 ? total : '?')} frames, {fps:0.00} fps{eta}"));
                    }
                });
        }

        StylizeResult? result = null;
        await _console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                ProgressTask? task = null;
                result = await run(
                    (info, style) =>
                    {
                        PrintStart(info, style);
                        task = context.AddTask("stylizing", maxValue: Math.Max(1, info.FrameCountEstimate ?? 1));
                        clock.Restart();
                    },
                    frames =>
                    {
                        if (task is null)
                        {
                            return;
                        }

                        var fps = frames / Math.Max(0.001, clock.Elapsed.TotalSeconds);
                        if (frames > task.MaxValue)
                        {
                            task.MaxValue = frames;
                        }

                        task.Value = frames;
                        task.Description = string.Create(CultureInfo.InvariantCulture, $"{frames} frames, {fps:0.00} fps");
                    });
                if (task is not null)
                {
                    task.Value = task.MaxValue;
                }
            });
        return result!;
    }

    private static void PrintStart(VideoInfo info, FrameStylizer style)
    {
        if (style.Notice is not null)
        {
            Console.Error.WriteLine($"notice: {style.Notice}");
        }

        Console.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{info.Path}: {info.Width}x{info.Height} @ {info.FramesPerSecond:0.###} fps, ~{info.FrameCountEstimate?.ToString(CultureInfo.InvariantCulture) ?? "?"} frames; style {style.Name} on {style.ExecutionProvider}"));
    }
}
