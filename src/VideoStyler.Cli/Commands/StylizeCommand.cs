using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;
using VideoStyler.Models;
using VideoStyler.Pipeline;
using VideoStyler.Stylize;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler stylize INPUT -o OUTPUT ...`: one file in, one stylized file out.</summary>
public static class StylizeCommand
{
    public const string Help = """
        usage: videostyler stylize INPUT -o OUTPUT [options]

        Stylizes every frame of INPUT (any video ffmpeg can read) and writes OUTPUT with the same
        frame count, frame rate, width and height; audio is copied (re-encoded only when the container
        requires it). The container follows OUTPUT's extension: .mp4/.mov/.m4v (h264), .mkv (h264),
        .webm (vp9). Ctrl-C stops cleanly and keeps the frames done so far as a playable OUTPUT.

        options:
          -o, --output FILE     output file (required); never overwritten without --force
          --style NAME|FILE     a style name (see `videostyler models list`) or an .onnx file;
                                default: the embedded 'toon' style
          --size N              processing size: the short side in pixels (default 480)
          --force               overwrite OUTPUT if it exists
          --stats FILE.json     write frame counts, timings per stage and the execution provider
          --device D            auto|cpu|cuda|tensorrt (default auto: CUDA when present, else CPU)
          --threads N           ONNX Runtime intra-op threads (default: one per core)
          --models-dir DIR      user model folder (default $XDG_DATA_HOME/videostyler/models)
        """;

    private static readonly string[] ValueOptions = ["-o", "--output", "--style", "--size", "--stats", "--device", "--threads", "--models-dir"];
    private static readonly string[] Flags = ["--force"];

    public static async Task<int> RunAsync(string[] args)
    {
        var line = CommandLine.Parse("stylize", args, ValueOptions, Flags);
        if (line.HelpRequested)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }

        if (line.Positionals.Count != 1)
        {
            throw new UsageException(line.Positionals.Count == 0
                ? "stylize: give an INPUT file (see videostyler stylize --help)"
                : $"stylize: expected one INPUT, got {line.Positionals.Count}: {string.Join(' ', line.Positionals)}");
        }

        var output = line.Get("-o") ?? line.Get("--output") ?? throw new UsageException("stylize: give an output file with -o OUTPUT");
        var library = StyleLibrary.CreateDefault(line.Get("--models-dir"));
        var options = new StylizeOptions
        {
            InputPath = line.Positionals[0],
            OutputPath = output,
            Style = line.Get("--style"),
            Library = library,
            ProcessingSize = line.GetInt("--size", 480, 16, 8192),
            Force = line.Has("--force"),
            Device = ParseDevice(line.Get("--device")),
            Threads = line.GetInt("--threads", 0, 0, 256),
        };
        var statsPath = line.Get("--stats");

        using var stop = new CancellationTokenSource();
        using var signals = InterruptHandler.Install(stop);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var progress = new ProgressView(console);
        var result = await progress.RunAsync(
            (onStarted, onFrame) => new StylizeRunner().RunAsync(options, onStarted, onFrame, stop.Token));

        if (statsPath is not null)
        {
            StatsFile.Write(statsPath, result);
        }

        var summary = string.Create(
            CultureInfo.InvariantCulture,
            $"{result.FramesOut} frames in {result.WallSeconds:0.0} s ({result.Fps:0.00} fps), style {result.Style}, {result.ExecutionProvider} -> {result.OutputPath}");
        if (result.Interrupted)
        {
            Console.Out.WriteLine($"interrupted: {summary} (the frames done so far are finalized and playable)");
            return 130;
        }

        if (result.FramesMissing is { } missing)
        {
            Console.Error.WriteLine($"warning: the input promised {result.FramesIn + missing} frames but only {result.FramesIn} decoded ({missing} lost)");
        }

        Console.Out.WriteLine(summary);
        return 0;
    }

    internal static ExecutionDevice ParseDevice(string? text) => text?.ToLowerInvariant() switch
    {
        null or "auto" => ExecutionDevice.Auto,
        "cpu" => ExecutionDevice.Cpu,
        "cuda" or "gpu" => ExecutionDevice.Cuda,
        "tensorrt" or "trt" => ExecutionDevice.TensorRt,
        _ => throw new UsageException($"--device must be auto, cpu, cuda or tensorrt, not '{text}'"),
    };
}
