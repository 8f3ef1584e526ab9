using VideoStyler.Pipeline;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenCvSharp;
using VideoStyler.Models;
using VideoStyler.Sources;
using VideoStyler.Stylize;
using VideoStyler.Stylize.Arbitrary;
using VideoStyler.Temporal;
using VideoStyler.Frames;

namespace VideoStyler.Cli.Commands;

/// <summary>
/// `videostyler bench`: in one run, the bare model (ONNX Runtime alone on a prepared tensor of the same
/// size) and the whole stylize pipeline on a clip, so their ratio (efficiency) is measured under the
/// same machine load. Pipeline fps is the steady output rate (first to last frame written), which
/// leaves out model loading and ffmpeg start-up.
/// </summary>
internal static class BenchCommand
{
    public const string Help = """
        usage: videostyler bench [--style S | --styles S1,S2 | --style-image FILE [--transformer FILE.onnx]] [--size N] [--frames K] [--input FILE] [--threads T] [--json]
               videostyler bench --no-io [--frame-size WxH] [--style S | --style-image FILE] [--size N] [--frames K] [--device D] [--json]

        Measures (a) the bare model: ONNX Runtime alone on a prepared tensor of the processing size,
        (b) the whole stylize pipeline (decode, pre/post-processing, model, encode) on FILE (default: a
        generated 640x360 clip), without and with the temporal stage, and prints model fps, pipeline fps, efficiency = pipeline / model,
        per-stage mean ms, peak RSS, GC counts and managed bytes allocated per frame: by the frame path
        (each stage on its own thread, after a warm-up of 16 frames) and by the whole process, and CPU ms
        per frame by consumer (ONNX Runtime's pool, the stylize and finish threads, ffmpeg decode and
        encode, pipes/thread pool, .NET runtime; from the kernel's per-thread times).

        options:
          --style S       style name or .onnx file (default: the painting starry-night)
          --styles A,B    one row per style in this run (e.g. candy.onnx,starry-night) and a summary table
          --style-image F measure the Magenta arbitrary-style transformer with F's style vector
          --transformer M with --style-image: another transformer (e.g. an int8 import made with
                          `models import --qdq`); also reports its mean absolute output
                          difference (0..255) against the shipped float transformer on one frame
          --size N        processing size, short side (default 480)
          --frames K      frames to measure (default 30)
          --input FILE    clip to run the pipeline on
          --threads T     ONNX Runtime intra-op threads (default: one per core)
          --device D      auto|cpu|cuda|tensorrt
          --json          print one JSON object instead of text

        --no-io: the in-process stages only, on frames generated in memory (no ffmpeg, no files): the
        bare model (with the per-frame host/device transfers; on a GPU also with the tensors resident in
        device memory), pre/post-processing and temporal ms per frame, and on a GPU the output's mean and
        largest absolute difference (0..255) to the CPU provider's output for the same frames.
          --frame-size WxH     frame size (default 640x360)
          --max-tile N         tile above this long side (default 1920)
          --compare-frames K   frames compared with the CPU provider (default 3)
          --compare-cpu        compare with the CPU provider even when running on it (a check of the check)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var line = CommandLine.Parse(
            "bench",
            args,
            ["--style", "--styles", "--size", "--frames", "--input", "--threads", "--device", "--models-dir", "--style-image", "--transformer", "--frame-size", "--max-tile", "--compare-frames"],
            ["--json", "--no-io", "--compare-cpu"]);
        if (line.HelpRequested)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }

        if (line.Has("--no-io"))
        {
            return RunInProcess(line);
        }

        var size = line.GetInt("--size", 480, 16, 8192);
        var frames = line.GetInt("--frames", 30, 2, 100000);
        var threads = line.GetInt("--threads", 0, 0, 256);
        var device = StylizeCommand.ParseDevice(line.Get("--device"));
        var library = StyleLibrary.CreateDefault(line.Get("--models-dir"));
        var styles = StyleList(line);
        var work = Path.Combine(Path.GetTempPath(), "videostyler-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(work);
        try
        {
            var input = line.Get("--input") ?? await MakeClipAsync(work, frames);
            var info = await VideoProbe.ProbeAsync(input);
            var rows = new List<JsonObject>();
            foreach (var styleSpec in styles)
            {
                // A picture style (or the default painting) is measured as what it runs: the Magenta transformer with its vector.
                var arbitrary = ArbitraryOption(line, threads) ?? Styles.PictureStyleResolver.TryResolve(library, styleSpec, 1.0);
                rows.Add(await MeasureAsync(input, info, work, styleSpec, arbitrary, library, size, frames, device, threads));
            }

            var json = line.Has("--json");
            if (rows.Count == 1)
            {
                if (json)
                {
                    Console.Out.WriteLine(rows[0].ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                }
                else
                {
                    PrintText(rows[0]);
                }

                return 0;
            }

            if (json)
            {
                Console.Out.WriteLine(new JsonObject { ["rows"] = new JsonArray([.. rows]) }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }

            foreach (var row in rows)
            {
                PrintText(row);
                Console.Out.WriteLine();
            }

            PrintSummary(rows);
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>--styles A,B (one row each, measured one after the other in this run), else the one --style (or the default).</summary>
    internal static IReadOnlyList<string?> StyleList(CommandLine line)
    {
        var list = line.Get("--styles");
        if (list is null)
        {
            return [line.Get("--style")];
        }

        if (line.Get("--style") is not null || line.Get("--style-image") is not null)
        {
            throw new UsageException("bench: give --styles, or --style / --style-image, not both");
        }

        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Length == 0 ? throw new UsageException("bench: --styles needs at least one style (e.g. --styles candy.onnx,starry-night)") : [.. names];
    }

    private static async Task<JsonObject> MeasureAsync(
        string input, VideoInfo info, string work, string? styleSpec, ArbitraryStyle? arbitrary, StyleLibrary library, int size, int frames, ExecutionDevice device, int threads)
    {
        var loadBefore = LoadAverage();

        // (a) the bare model on a prepared tensor of the same size.
        var source = arbitrary is null ? library.Resolve(styleSpec) : arbitrary.Transformer ?? MagentaModels.Transformer();
        double modelFps;
        double? differenceToShipped = null;
        double modelCpuMs;
        string provider;
        int effectiveThreads;
        FrameGeometry geometry;
        using (var style = StyleSession.Load(source, device, threads))
        using (var stylizer = new OnnxStylizer(style, info.Width, info.Height, size))
        using (var frame = new Mat(info.Height, info.Width, MatType.CV_8UC3, Scalar.All(0)))
        {
            Cv2.Randu(frame, Scalar.All(0), Scalar.All(255));
            if (arbitrary is not null)
            {
                style.SetStyleVector(arbitrary.Vector);
                if (arbitrary.Transformer is not null)
                {
                    differenceToShipped = await DifferenceToShippedAsync(input, stylizer, arbitrary, device, threads, size);
                }
            }

            stylizer.Preprocess(frame);
            stylizer.RunModelOnly(); // warm-up: first runs allocate ONNX Runtime's arenas
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < frames; i++)
            {
                stylizer.RunModelOnly();
            }

            modelFps = frames / clock.Elapsed.TotalSeconds;
            // CPU time is what the model costs even when other processes share the cores (wall time is not).
            modelCpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / frames;
            provider = style.ExecutionProvider;
            effectiveThreads = threads > 0 ? threads : Environment.ProcessorCount;
            geometry = stylizer.Geometry;
        }

        // (b) the whole pipeline, same frames, same size.
        var plain = await RunPipelineAsync(input, work, "plain.mkv", styleSpec, library, size, frames, device, threads, temporal: 0, arbitrary);
        var withTemporal = await RunPipelineAsync(input, work, "temporal.mkv", styleSpec, library, size, frames, device, threads, temporal: new TemporalOptions().Strength, arbitrary);

        return new JsonObject
        {
            ["style"] = plain.Result.Style,
            ["transformer"] = arbitrary is null ? null : (arbitrary.Transformer?.Origin ?? "shipped float (models/magenta/style_transfer.onnx)"),
            ["mean_abs_diff_vs_shipped"] = differenceToShipped is { } d ? Round(d) : null,
            ["input"] = input,
            ["frame_size"] = $"{info.Width}x{info.Height}",
            ["tensor_size"] = $"{geometry.TensorWidth}x{geometry.TensorHeight}",
            ["frames"] = frames,
            ["model_fps"] = Round(modelFps),
            ["model_cpu_ms_per_frame"] = Round(modelCpuMs),
            ["pipeline_fps"] = Round(plain.Result.Stats.SteadyFps),
            ["pipeline_fps_wall"] = Round(plain.Result.Fps),
            ["efficiency"] = Round(plain.Result.Stats.SteadyFps / modelFps),
            ["pipeline_fps_temporal"] = Round(withTemporal.Result.Stats.SteadyFps),
            ["efficiency_temporal"] = Round(withTemporal.Result.Stats.SteadyFps / modelFps),
            ["stage_ms_temporal"] = StatsFile.StageObject(withTemporal.Result.Stats),
            ["stage_ms"] = StatsFile.StageObject(plain.Result.Stats),
            ["cpu_ms_per_frame"] = plain.Cpu,
            ["cpu_ms_per_frame_temporal"] = withTemporal.Cpu,
            // Under load wall-clock fps depend on the neighbours; CPU time per frame does not (much):
            // the bare model's CPU ms over the whole pipeline's (all threads and the ffmpeg children).
            ["cpu_efficiency"] = CpuEfficiency(modelCpuMs, plain.Cpu),
            ["cpu_efficiency_temporal"] = CpuEfficiency(modelCpuMs, withTemporal.Cpu),
            ["ort_spinning"] = StyleSession.AllowSpinning,
            ["load_average"] = $"{loadBefore} -> {LoadAverage()}",
            ["peak_rss_mb"] = Round(PeakRssMegabytes()),
            ["execution_provider"] = provider,
            ["threads"] = effectiveThreads,
            ["allocated_bytes_per_frame"] = Bytes(plain.Result.Stats.FramePathAllocatedBytesPerFrame ?? double.NaN),
            ["allocated_bytes_per_frame_temporal"] = Bytes(withTemporal.Result.Stats.FramePathAllocatedBytesPerFrame ?? double.NaN),
            ["stage_allocated_bytes_per_frame"] = StageBytes(plain.Result.Stats),
            ["stage_allocated_bytes_per_frame_temporal"] = StageBytes(withTemporal.Result.Stats),
            ["process_allocated_bytes_per_frame"] = Bytes(plain.AllocatedPerFrame),
            ["process_allocated_bytes_per_frame_temporal"] = Bytes(withTemporal.AllocatedPerFrame),
            ["steady_frames_counted"] = plain.FramesCounted,
            ["gc_gen0"] = plain.Gen0,
            ["gc_gen1"] = plain.Gen1,
            ["gc_gen2"] = plain.Gen2,
            ["gc_temporal"] = $"{withTemporal.Gen0}/{withTemporal.Gen1}/{withTemporal.Gen2}",
        };
    }

    private static JsonValue? CpuEfficiency(double modelCpuMs, JsonObject cpu) =>
        cpu["total"] is { } total && total.GetValue<double>() > 0 ? JsonValue.Create(Round(modelCpuMs / total.GetValue<double>())) : null;

    /// <summary>The 1-minute load average (what else the machine ran), or "?" where there is none.</summary>
    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }

    private static void PrintSummary(List<JsonObject> rows)
    {
        Console.Out.WriteLine("style                     tensor    model fps  pipeline fps  efficiency  with temporal  efficiency  CPU eff.  CPU eff. temporal");
        foreach (var r in rows)
        {
            Console.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{r["style"],-25} {r["tensor_size"],-9} {r["model_fps"],9}  {r["pipeline_fps"],12}  {r["efficiency"],10}  {r["pipeline_fps_temporal"],13}  {r["efficiency_temporal"],10}  {r["cpu_efficiency"],8}  {r["cpu_efficiency_temporal"],8}"));
        }
    }

    private static int RunInProcess(CommandLine line)
    {
        if (line.Get("--input") is not null)
        {
            throw new UsageException("--no-io generates its frames in memory: it takes --frame-size, not --input");
        }

        var (width, height) = InProcessBench.ParseFrameSize(line.Get("--frame-size") ?? "640x360");
        var result = InProcessBench.Run(
            StyleLibrary.CreateDefault(line.Get("--models-dir")),
            line.Get("--style"),
            width,
            height,
            line.GetInt("--size", 480, 16, 8192),
            line.GetInt("--frames", 30, 2, 100000),
            StylizeCommand.ParseDevice(line.Get("--device")),
            line.GetInt("--threads", 0, 0, 256),
            line.GetInt("--max-tile", StylizeOptions.DefaultMaxTile, TiledStylizer.MinTile, 16384),
            line.GetInt("--compare-frames", 3, 1, 1000),
            line.Has("--compare-cpu"));
        if (result["notice"] is { } notice)
        {
            Console.Error.WriteLine($"notice: {notice}");
        }

        if (line.Has("--json"))
        {
            Console.Out.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }

        Console.Out.WriteLine($"style {result["style"]} on {result["execution_provider"]} ({result["binding"]} binding), {result["threads"]} threads; frame {result["frame_size"]}, tensor {result["tensor_size"]}, {result["frames"]} frames generated in memory");
        Console.Out.WriteLine($"model fps:       {result["model_fps"]}   (ONNX Runtime alone, with the per-frame binding/transfers)");
        if (result["model_fps_device_resident"] is not null)
        {
            Console.Out.WriteLine($"model fps:       {result["model_fps_device_resident"]}   (tensors resident in device memory, no transfers)");
        }

        Console.Out.WriteLine($"stage ms:        {result["stage_ms"]!.ToJsonString()}");
        Console.Out.WriteLine($"in-process fps:  {result["in_process_fps"]} (with temporal {result["in_process_fps_temporal"]})");
        if (result["cpu_difference"] is JsonObject diff)
        {
            Console.Out.WriteLine($"vs CPU provider: mean abs diff {diff["mean_abs_diff"]}, max {diff["max_abs_diff"]}, share of values over 1 level {diff["share_over_1_level"]} ({diff["frames"]} frames)");
        }

        return 0;
    }

    /// <summary>Frames decoded past the measured window (see <see cref="RunPipelineAsync"/>).</summary>
    private const int DrainFrames = 18;

    private sealed record PipelineRun(StylizeResult Result, double AllocatedPerFrame, long FramesCounted, int Gen0, int Gen1, int Gen2, JsonObject Cpu);

    private static async Task<PipelineRun> RunPipelineAsync(
        string input, string work, string name, string? style, StyleLibrary library, int size, int frames, ExecutionDevice device, int threads, double temporal,
        ArbitraryStyle? arbitrary)
    {
        var options = new StylizeOptions
        {
            InputPath = input,
            OutputPath = Path.Combine(work, name),
            Style = style,
            Library = library,
            ProcessingSize = size,
            // Frames past the measured window: the stages ahead of the encoder (up to the frame pool's 17
            // frames) and the decoder's ffmpeg are still running when the window closes, so their CPU
            // time is in it (a thread or process that has ended has no /proc entry left to read).
            MaxFrames = frames + DrainFrames,
            Device = device,
            Threads = threads,
            TemporalStrength = temporal,
            Force = true,
            Arbitrary = arbitrary,
        };
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        // Steady state only: from a third of the run to the frame before the last. Before that the frame
        // pool is still creating its (pinned, reused) buffers and the stages their caches, which are
        // set-up costs; after it come ffmpeg's exit and the result objects.
        var first = Math.Max(2, frames / 3);
        var last = Math.Max(first + 1, frames - 1);
        long allocatedAtFirst = 0;
        long allocatedAtLast = 0;
        CpuBreakdown? cpuAtFirst = null;
        CpuBreakdown? cpuAtLast = null;
        var result = await StylizeRunner.RunAsync(options, null, written =>
        {
            // The CPU snapshots allocate: taken before the first and after the last allocation reading.
            if (written == first)
            {
                cpuAtFirst = CpuBreakdown.Snapshot(written);
                Interlocked.Exchange(ref allocatedAtFirst, GC.GetTotalAllocatedBytes(precise: true));
            }
            else if (written == last)
            {
                Interlocked.Exchange(ref allocatedAtLast, GC.GetTotalAllocatedBytes(precise: true));
                cpuAtLast = CpuBreakdown.Snapshot(written);
            }
        }, CancellationToken.None);
        var counted = last - first;
        var perFrame = allocatedAtLast > 0 && allocatedAtFirst > 0 ? (double)(allocatedAtLast - allocatedAtFirst) / counted : double.NaN;
        return new PipelineRun(result, perFrame, counted, GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2,
            cpuAtFirst is not null && cpuAtLast is not null ? CpuBreakdown.PerFrame(cpuAtFirst, cpuAtLast) : []);
    }

    private static ArbitraryStyle? ArbitraryOption(CommandLine line, int threads)
    {
        var image = line.Get("--style-image");
        var transformer = line.Get("--transformer");
        if (image is null)
        {
            return transformer is null ? null : throw new UsageException("bench: --transformer needs --style-image");
        }

        if (line.Get("--style") is not null)
        {
            throw new UsageException("bench: give --style or --style-image, not both");
        }

        return ArbitraryStyle.FromImage(image, 1.0, threads) with { Transformer = transformer is null ? null : StyleLibrary.FromPath(transformer) };
    }

    /// <summary>Mean absolute difference (0..255) between this transformer's and the shipped one's output on the clip's first frame.</summary>
    private static async Task<double> DifferenceToShippedAsync(
        string input, OnnxStylizer stylizer, ArbitraryStyle arbitrary, ExecutionDevice device, int threads, int size)
    {
        using var frame = await FirstFrameAsync(input);
        using var shipped = StyleSession.Load(MagentaModels.Transformer(), device, threads);
        shipped.SetStyleVector(arbitrary.Vector);
        using var reference = new OnnxStylizer(shipped, frame.Width, frame.Height, size);
        using var a = new Mat(frame.Size(), MatType.CV_8UC3);
        using var b = new Mat(frame.Size(), MatType.CV_8UC3);
        stylizer.Process(frame, a);
        reference.Process(frame, b);
        using var diff = new Mat();
        Cv2.Absdiff(a, b, diff);
        var mean = Cv2.Mean(diff);
        return (mean.Val0 + mean.Val1 + mean.Val2) / 3.0;
    }

    private static async Task<Mat> FirstFrameAsync(string input)
    {
        var png = Path.Combine(Path.GetTempPath(), $"videostyler-bench-frame-{Environment.ProcessId}.png");
        try
        {
            var (exit, _, stderr) = await ProcessRunner.RunAsync(
                "ffmpeg", ["-v", "error", "-y", "-i", input, "-frames:v", "1", png], CancellationToken.None);
            if (exit != 0)
            {
                throw new UserFacingException($"could not read the first frame of {input}: {stderr.Trim()}");
            }

            return Cv2.ImRead(png, ImreadModes.Color);
        }
        finally
        {
            File.Delete(png);
        }
    }

    private static async Task<string> MakeClipAsync(string work, int frames)
    {
        var path = Path.Combine(work, "bench-input.mp4");
        var (exit, _, stderr) = await ProcessRunner.RunAsync(
            "ffmpeg",
            ["-v", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size=640x360:rate=30", "-frames:v", (frames + 1).ToString(CultureInfo.InvariantCulture),
             "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", path],
            CancellationToken.None);
        if (exit != 0)
        {
            throw new UserFacingException($"could not generate the bench clip: {stderr.Trim()}");
        }

        return path;
    }

    private static double PeakRssMegabytes()
    {
        // VmHWM: the resident set's high-water mark, native memory (ONNX Runtime, OpenCV) included.
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                return kb / 1024.0;
            }
        }

        return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
    }

    private static double Round(double value) => Math.Round(value, 3);

    // Too few frames for a steady window: no figure rather than a made-up one.
    private static JsonObject StageBytes(PipelineStats stats)
    {
        var stages = new JsonObject();
        foreach (var (stage, bytes) in stats.StageAllocatedBytesPerFrame())
        {
            stages[stage] = Math.Round(bytes, 1);
        }

        return stages;
    }

    private static JsonValue? Bytes(double perFrame) => double.IsNaN(perFrame) ? null : JsonValue.Create(Math.Round(perFrame));

    private static void PrintText(JsonObject r)
    {
        if (r["transformer"] is not null)
        {
            Console.Out.WriteLine($"transformer:   {r["transformer"]}" + (r["mean_abs_diff_vs_shipped"] is { } d ? $"; mean |output - shipped float output| {d} (0..255)" : ""));
        }

        Console.Out.WriteLine($"style {r["style"]} on {r["execution_provider"]}, {r["threads"]} threads; frame {r["frame_size"]}, tensor {r["tensor_size"]}, {r["frames"]} frames");
        Console.Out.WriteLine($"model fps:     {r["model_fps"]}   (ONNX Runtime alone on a prepared tensor; {r["model_cpu_ms_per_frame"]} ms CPU time per frame, all threads)");
        Console.Out.WriteLine($"pipeline fps:  {r["pipeline_fps"]}   (steady; wall incl. start-up: {r["pipeline_fps_wall"]})");
        Console.Out.WriteLine($"efficiency:    {r["efficiency"]}");
        if (r["pipeline_fps_temporal"] is not null)
        {
            Console.Out.WriteLine($"with temporal: {r["pipeline_fps_temporal"]} fps, efficiency {r["efficiency_temporal"]}");
        }

        Console.Out.WriteLine($"stage ms:      {r["stage_ms"]!.ToJsonString()}");
        if (r["cpu_ms_per_frame"] is JsonObject { Count: > 0 } cpu && r["cpu_ms_per_frame_temporal"] is JsonObject cpuTemporal)
        {
            Console.Out.WriteLine($"CPU ms/frame:  {CpuBreakdown.Describe(cpu)}");
            Console.Out.WriteLine($"  temporal:    {CpuBreakdown.Describe(cpuTemporal)}");
            Console.Out.WriteLine($"CPU efficiency: {r["cpu_efficiency"]} (with temporal {r["cpu_efficiency_temporal"]}): the bare model's CPU ms per frame over the pipeline's total");
        }

        Console.Out.WriteLine($"machine load:  {r["load_average"]} (1-min load average before -> after; ONNX Runtime spinning {(r["ort_spinning"]!.GetValue<bool>() ? "on" : "off")})");
        Console.Out.WriteLine($"peak RSS:      {r["peak_rss_mb"]} MB");
        Console.Out.WriteLine($"allocated:     frame path {r["allocated_bytes_per_frame"]} B/frame (with temporal {r["allocated_bytes_per_frame_temporal"]}) after {StageClock.WarmUpFrames} warm-up frames;");
        Console.Out.WriteLine($"               whole process {r["process_allocated_bytes_per_frame"]} B/frame (with temporal {r["process_allocated_bytes_per_frame_temporal"]}) over {r["steady_frames_counted"]} frames (frame pool growth, runtime timers and thread pool included)");
        Console.Out.WriteLine($"GCs gen0/1/2:  {r["gc_gen0"]}/{r["gc_gen1"]}/{r["gc_gen2"]} (with temporal {r["gc_temporal"]})");
    }
}
