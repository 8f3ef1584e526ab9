using VideoStyler.Pipeline;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OpenCvSharp;
using VideoStyler.Cli.Reports;
using VideoStyler.Cli.Parsing;
using VideoStyler.Models;
using VideoStyler.Media;
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
    /// <summary>The bench verb: its options and the action that runs it.</summary>
    internal static Command Create()
    {
        var s = new Symbols();
        var command = HelpDetails.Command("bench", "measure bare-model vs pipeline speed (or the in-process stages only, --no-io)", """
            Measures (a) the bare model: ONNX Runtime alone on a prepared tensor of the processing size,
            (b) the whole stylize pipeline (decode, pre/post-processing, model, encode) on FILE (default: a
            generated 640x360 clip), without and with the temporal stage, then (a) again, and prints model fps
            (the mean of the two), pipeline fps, efficiency = pipeline / model, per-stage mean ms, peak RSS, GC counts and managed bytes allocated
            per frame: by the frame path (each stage on its own thread, after a warm-up of 16 frames) and by
            the whole process, and CPU ms per frame by consumer (ONNX Runtime's pool, the stylize and finish
            threads, ffmpeg decode and encode, pipes/thread pool, .NET runtime; from the kernel's per-thread times).
            With several frames in flight (--frames-in-flight, auto: 2 on the CPU) it also measures the bare
            model in the pipeline's arrangement (that many sessions at once, the cores shared out) and prints
            pipeline / that as well.

            --no-io: the in-process stages only, on frames generated in memory (no ffmpeg, no files): the
            bare model (with the per-frame host/device transfers; on a GPU also with the tensors resident in
            device memory), pre/post-processing and temporal ms per frame, and on a GPU the output's mean and
            largest absolute difference (0..255) to the CPU provider's output for the same frames
            (--frame-size, --max-tile, --compare-frames, --compare-cpu).
            """,
            s.Style, s.Styles, s.StyleImage, s.Transformer, s.Size, s.Frames, s.Input, s.Threads, s.FramesInFlight, s.Device, s.ModelsDir, s.Json,
            s.NoIo, s.FrameSize, s.MaxTile, s.CompareFrames, s.CompareCpu);
        s.FrameSize.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !InProcessBench.TryParseFrameSize(result.Tokens[^1].Value, out _))
            {
                result.AddError(InProcessBench.FrameSizeError(result.Tokens[^1].Value));
            }
        });
        s.Styles.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && StyleNames(result.Tokens[^1].Value).Length == 0)
            {
                result.AddError("--styles needs at least one style (e.g. --styles candy.onnx,starry-night)");
            }
        });
        command.Validators.Add(result =>
        {
            if (result.GetResult(s.Styles) is not null && (result.GetResult(s.Style) is not null || result.GetResult(s.StyleImage) is not null))
            {
                result.AddError("give --styles, or --style / --style-image, not both");
            }
            else if (result.GetResult(s.StyleImage) is not null && result.GetResult(s.Style) is not null)
            {
                result.AddError("give --style or --style-image, not both");
            }
            else if (result.GetResult(s.Transformer) is not null && result.GetResult(s.StyleImage) is null)
            {
                result.AddError("--transformer needs --style-image");
            }
            else if (result.GetResult(s.NoIo) is not null && result.GetResult(s.Input) is not null)
            {
                result.AddError("--no-io generates its frames in memory: it takes --frame-size, not --input");
            }
        });
        command.SetAction((parse, _) => parse.GetValue(s.NoIo) ? Task.FromResult(RunInProcess(parse, s)) : RunAsync(parse, s));
        return command;
    }

    /// <summary>The bench options, declared once here and read back by the action.</summary>
    private sealed class Symbols
    {
        public Option<string> Style { get; } = CliOptions.Text("--style", "S", "style name or .onnx file (default: the painting starry-night)");

        public Option<string> Styles { get; } = CliOptions.Text("--styles", "A,B", "one row per style in this run (e.g. candy.onnx,starry-night) and a summary table");

        public Option<string> StyleImage { get; } = CliOptions.Text("--style-image", "FILE", "measure the Magenta arbitrary-style transformer with FILE's style vector");

        public Option<string> Transformer { get; } = CliOptions.Text("--transformer", "FILE.onnx", """
            with --style-image: another transformer (e.g. an int8 import made with `models import --qdq`);
            also reports its mean absolute output difference (0..255) against the shipped float transformer on one frame
            """);

        public Option<int> Size { get; } = CliOptions.Size(480, "processing size, short side (default 480)");

        public Option<int> Frames { get; } = CliOptions.Int("--frames", "K", 30, 2, 100000, "frames to measure (default 30)");

        public Option<string> Input { get; } = CliOptions.Text("--input", "FILE", "clip to run the pipeline on (default: a generated 640x360 clip)");

        public Option<int> Threads { get; } = CliOptions.Threads(0, "ONNX Runtime intra-op threads (default: one per core)");

        public Option<int> FramesInFlight { get; } = CliOptions.FramesInFlight();

        public Option<ExecutionDevice> Device { get; } = CliOptions.Device("auto|cpu|cuda|tensorrt (default auto)");

        public Option<string> ModelsDir { get; } = CliOptions.ModelsDir();

        public Option<bool> Json { get; } = CliOptions.Flag("--json", "print one JSON object instead of text");

        public Option<bool> NoIo { get; } = CliOptions.Flag("--no-io", "the in-process stages only, on frames generated in memory (no ffmpeg, no files)");

        public Option<string> FrameSize { get; } = CliOptions.Text("--frame-size", "WxH", "with --no-io: the generated frames' size (default 640x360)");

        public Option<int> MaxTile { get; } = CliOptions.MaxTile("with --no-io: tile above this long side (default 1920)");

        public Option<int> CompareFrames { get; } = CliOptions.Int("--compare-frames", "K", 3, 1, 1000, "with --no-io: frames compared with the CPU provider (default 3)");

        public Option<bool> CompareCpu { get; } = CliOptions.Flag("--compare-cpu", "with --no-io: compare with the CPU provider even when running on it (a check of the check)");
    }

    private static async Task<int> RunAsync(ParseResult line, Symbols s)
    {
        var size = line.GetValue(s.Size);
        var frames = line.GetValue(s.Frames);
        var threads = line.GetValue(s.Threads);
        var device = line.GetValue(s.Device);
        var library = StyleLibrary.CreateDefault(line.GetValue(s.ModelsDir));
        var styles = StyleList(line.GetValue(s.Styles), line.GetValue(s.Style));
        var work = Path.Combine(Path.GetTempPath(), "videostyler-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(work);
        try
        {
            var input = line.GetValue(s.Input) ?? await MakeClipAsync(work, frames);
            var info = await VideoProbe.ProbeAsync(input);
            var rows = new List<BenchRow>();
            foreach (var styleSpec in styles)
            {
                // A picture style (or the default painting) is measured as what it runs: the Magenta transformer with its vector.
                var arbitrary = ArbitraryOption(line.GetValue(s.StyleImage), line.GetValue(s.Transformer), threads) ?? Styles.PictureStyleResolver.TryResolve(library, styleSpec, 1.0);
                rows.Add(await MeasureAsync(input, info, work, styleSpec, arbitrary, library, size, frames, device, threads, line.GetValue(s.FramesInFlight)));
            }

            var json = line.GetValue(s.Json);
            if (rows.Count == 1)
            {
                if (json)
                {
                    Console.Out.WriteLine(JsonSerializer.Serialize(rows[0], CliJson.Default.BenchRow));
                }
                else
                {
                    PrintText(rows[0]);
                }

                return 0;
            }

            if (json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new BenchRows(rows), CliJson.Default.BenchRows));
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
    internal static IReadOnlyList<string?> StyleList(string? list, string? style)
    {
        if (list is null)
        {
            return [style];
        }

        return [.. StyleNames(list)];
    }

    private static string[] StyleNames(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<BenchRow> MeasureAsync(
        string input, VideoInfo info, string work, string? styleSpec, ArbitraryStyle? arbitrary, StyleLibrary library, int size, int frames, ExecutionDevice device, int threads,
        int framesInFlight)
    {
        var loadBefore = LoadAverage();

        // (a) the bare model on a prepared tensor of the same size, (b) the whole pipeline, same frames, same size,
        // (a) again: the efficiency's denominator is the mean of the two bare measurements, so a machine whose speed
        // drifts during the run (a neighbour starting or ending, clocks changing) does not bias it either way.
        var source = arbitrary is null ? library.Resolve(styleSpec) : arbitrary.Transformer ?? MagentaModels.Transformer();
        var bareBefore = await MeasureBareModelAsync(input, source, info, arbitrary, size, frames, device, threads, compareToShipped: true);
        // The same model arranged as the pipeline runs it with several frames in flight: that many sessions at
        // once, the cores shared out (what the pipeline's own stages cost, against the same arrangement).
        var (inFlight, threadsEach) = StylizeWorkers.Plan(framesInFlight, threads);
        var parallelBefore = inFlight > 1 ? MeasureBareModelInFlight(source, info, arbitrary, size, frames, device, threadsEach, inFlight) : (double?)null;
        var plain = await RunPipelineAsync(input, work, "plain.mkv", styleSpec, library, size, frames, device, threads, temporal: 0, arbitrary, framesInFlight);
        var withTemporal = await RunPipelineAsync(input, work, "temporal.mkv", styleSpec, library, size, frames, device, threads, temporal: new TemporalOptions().Strength, arbitrary, framesInFlight);
        var bareAfter = await MeasureBareModelAsync(input, source, info, arbitrary, size, frames, device, threads, compareToShipped: false);
        var parallelAfter = inFlight > 1 ? MeasureBareModelInFlight(source, info, arbitrary, size, frames, device, threadsEach, inFlight) : (double?)null;
        var parallelFps = parallelBefore is { } pb && parallelAfter is { } pa ? (pb + pa) / 2 : (double?)null;
        var modelFps = (bareBefore.Fps + bareAfter.Fps) / 2;
        var modelCpuMs = (bareBefore.CpuMs + bareAfter.CpuMs) / 2;
        var (provider, effectiveThreads, geometry, differenceToShipped) = (bareBefore.Provider, bareBefore.Threads, bareBefore.Geometry, bareBefore.DifferenceToShipped);

        return new BenchRow
        {
            Style = plain.Result.Style,
            Transformer = arbitrary is null ? null : (arbitrary.Transformer?.Origin ?? "shipped float (models/magenta/style_transfer.onnx)"),
            MeanAbsDiffVsShipped = differenceToShipped is { } d ? Round(d) : null,
            Input = input,
            FrameSize = $"{info.Width}x{info.Height}",
            TensorSize = $"{geometry.TensorWidth}x{geometry.TensorHeight}",
            Frames = frames,
            ModelFps = Round(modelFps),
            ModelFpsBefore = Round(bareBefore.Fps),
            ModelFpsAfter = Round(bareAfter.Fps),
            ModelCpuMsPerFrame = Round(modelCpuMs),
            PipelineFps = Round(plain.Fps),
            PipelineFpsWall = Round(plain.Result.Fps),
            Efficiency = Round(plain.Fps / modelFps),
            PipelineFpsTemporal = Round(withTemporal.Fps),
            EfficiencyTemporal = Round(withTemporal.Fps / modelFps),
            FramesInFlight = plain.Result.FramesInFlight,
            FramesInFlightTemporal = withTemporal.Result.FramesInFlight,
            ModelFpsInFlight = parallelFps is { } f ? Round(f) : null,
            EfficiencyInFlight = parallelFps is { } f1 && plain.Result.FramesInFlight == inFlight ? Round(plain.Fps / f1) : null,
            EfficiencyInFlightTemporal = parallelFps is { } f2 && withTemporal.Result.FramesInFlight == inFlight ? Round(withTemporal.Fps / f2) : null,
            StageMsTemporal = StylizeStats.StageMeans(withTemporal.Result.Stats),
            StageMs = StylizeStats.StageMeans(plain.Result.Stats),
            CpuMsPerFrame = plain.Cpu,
            CpuMsPerFrameTemporal = withTemporal.Cpu,
            // Under load wall-clock fps depend on the neighbours; CPU time per frame does not (much):
            // the bare model's CPU ms over the whole pipeline's (all threads and the ffmpeg children).
            CpuEfficiency = CpuEfficiency(modelCpuMs, plain.Cpu),
            CpuEfficiencyTemporal = CpuEfficiency(modelCpuMs, withTemporal.Cpu),
            OrtSpinning = StyleSession.AllowSpinning,
            LoadAverage = $"{loadBefore} -> {LoadAverage()}",
            PeakRssMb = Round(PeakRssMegabytes()),
            ExecutionProvider = provider,
            Threads = effectiveThreads,
            AllocatedBytesPerFrame = Bytes(plain.Result.Stats.FramePathAllocatedBytesPerFrame ?? double.NaN),
            AllocatedBytesPerFrameTemporal = Bytes(withTemporal.Result.Stats.FramePathAllocatedBytesPerFrame ?? double.NaN),
            StageAllocatedBytesPerFrame = StageBytes(plain.Result.Stats),
            StageAllocatedBytesPerFrameTemporal = StageBytes(withTemporal.Result.Stats),
            ProcessAllocatedBytesPerFrame = Bytes(plain.AllocatedPerFrame),
            ProcessAllocatedBytesPerFrameTemporal = Bytes(withTemporal.AllocatedPerFrame),
            SteadyFramesCounted = plain.FramesCounted,
            GcGen0 = plain.Gen0,
            GcGen1 = plain.Gen1,
            GcGen2 = plain.Gen2,
            GcTemporal = $"{withTemporal.Gen0}/{withTemporal.Gen1}/{withTemporal.Gen2}",
        };
    }

    /// <summary>
    /// ONNX Runtime alone on a prepared (random) tensor of the processing size: one warm-up run (the first runs
    /// allocate its arenas), then <paramref name="frames"/> timed runs; fps and CPU ms per frame (all threads: CPU
    /// time is what the model costs even when other processes share the cores, wall time is not).
    /// </summary>
    private static async Task<(double Fps, double CpuMs, string Provider, int Threads, FrameGeometry Geometry, double? DifferenceToShipped)> MeasureBareModelAsync(
        string input, StyleSource source, VideoInfo info, ArbitraryStyle? arbitrary, int size, int frames, ExecutionDevice device, int threads, bool compareToShipped)
    {
        double? differenceToShipped = null;
        var (style, stylizer) = LoadBareModel(source, info, arbitrary, size, device, threads);
        using var owned = style;
        using var ownedStylizer = stylizer;
        if (compareToShipped && arbitrary?.Transformer is not null)
        {
            differenceToShipped = await DifferenceToShippedAsync(input, stylizer, arbitrary, device, threads, size);
        }

        PrepareRandomTensor(stylizer, info);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < frames; i++)
        {
            stylizer.RunModelOnly();
        }

        var fps = frames / clock.Elapsed.TotalSeconds;
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / frames;
        return (fps, cpuMs, style.ExecutionProvider, threads > 0 ? threads : Environment.ProcessorCount, stylizer.Geometry, differenceToShipped);
    }

    /// <summary>
    /// <paramref name="sessions"/> sessions of <paramref name="threadsEach"/> intra-op threads each, running at once on
    /// prepared tensors, as the pipeline's stylizers do with several frames in flight: fps of all together.
    /// </summary>
    private static double MeasureBareModelInFlight(
        StyleSource source, VideoInfo info, ArbitraryStyle? arbitrary, int size, int frames, ExecutionDevice device, int threadsEach, int sessions)
    {
        var styles = new List<StyleSession>();
        var stylizers = new List<OnnxStylizer>();
        try
        {
            for (var i = 0; i < sessions; i++)
            {
                var (style, stylizer) = LoadBareModel(source, info, arbitrary, size, device, threadsEach);
                styles.Add(style);
                stylizers.Add(stylizer);
                PrepareRandomTensor(stylizer, info);
            }

            var each = Math.Max(2, (frames + sessions - 1) / sessions);
            var clock = Stopwatch.StartNew();
            var workers = stylizers.Select(s => new Thread(() =>
            {
                for (var i = 0; i < each; i++)
                {
                    s.RunModelOnly();
                }
            })).ToList();
            workers.ForEach(t => t.Start());
            workers.ForEach(t => t.Join());
            return each * sessions / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            stylizers.ForEach(s => s.Dispose());
            styles.ForEach(s => s.Dispose());
        }
    }

    /// <summary>The bare model's session (with the style vector, for an arbitrary style) and a stylizer over it at the processing size.</summary>
    private static (StyleSession Style, OnnxStylizer Stylizer) LoadBareModel(
        StyleSource source, VideoInfo info, ArbitraryStyle? arbitrary, int size, ExecutionDevice device, int threads)
    {
        var style = StyleSession.Load(source, device, threads);
        try
        {
            if (arbitrary is not null)
            {
                style.SetStyleVector(arbitrary.Vector);
            }

            return (style, new OnnxStylizer(style, info.Width, info.Height, size));
        }
        catch
        {
            style.Dispose();
            throw;
        }
    }

    /// <summary>Fills the input tensor from a random frame and runs the model once (the first runs allocate ONNX Runtime's arenas).</summary>
    private static void PrepareRandomTensor(OnnxStylizer stylizer, VideoInfo info)
    {
        using var frame = new Mat(info.Height, info.Width, MatType.CV_8UC3, Scalar.All(0));
        Cv2.Randu(frame, Scalar.All(0), Scalar.All(255));
        stylizer.Preprocess(frame);
        stylizer.RunModelOnly();
    }

    private static double? CpuEfficiency(double modelCpuMs, IReadOnlyDictionary<string, double?> cpu) =>
        cpu.TryGetValue("total", out var total) && total > 0 ? Round(modelCpuMs / total.Value) : null;

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

    private static void PrintSummary(List<BenchRow> rows)
    {
        Console.Out.WriteLine("style                     tensor    model fps  pipeline fps  efficiency  with temporal  efficiency  CPU eff.  CPU eff. temporal");
        foreach (var r in rows)
        {
            Console.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{r.Style,-25} {r.TensorSize,-9} {r.ModelFps,9}  {r.PipelineFps,12}  {r.Efficiency,10}  {r.PipelineFpsTemporal,13}  {r.EfficiencyTemporal,10}  {r.CpuEfficiency,8}  {r.CpuEfficiencyTemporal,8}"));
        }
    }

    private static int RunInProcess(ParseResult line, Symbols s)
    {
        var (width, height) = InProcessBench.ParseFrameSize(line.GetValue(s.FrameSize) ?? "640x360");
        var result = InProcessBench.Run(
            StyleLibrary.CreateDefault(line.GetValue(s.ModelsDir)),
            line.GetValue(s.Style),
            width,
            height,
            line.GetValue(s.Size),
            line.GetValue(s.Frames),
            line.GetValue(s.Device),
            line.GetValue(s.Threads),
            line.GetValue(s.MaxTile),
            line.GetValue(s.CompareFrames),
            line.GetValue(s.CompareCpu));
        if (result.Notice is { } notice)
        {
            Console.Error.WriteLine($"notice: {notice}");
        }

        if (line.GetValue(s.Json))
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(result, CliJson.Default.InProcessBenchReport));
            return 0;
        }

        var c = CultureInfo.InvariantCulture;
        Console.Out.WriteLine(string.Create(c, $"style {result.Style} on {result.ExecutionProvider} ({result.Binding} binding), {result.Threads} threads; frame {result.FrameSize}, tensor {result.TensorSize}, {result.Frames} frames generated in memory"));
        Console.Out.WriteLine(string.Create(c, $"model fps:       {result.ModelFps}   (ONNX Runtime alone, with the per-frame binding/transfers)"));
        if (result.ModelFpsDeviceResident is not null)
        {
            Console.Out.WriteLine(string.Create(c, $"model fps:       {result.ModelFpsDeviceResident}   (tensors resident in device memory, no transfers)"));
        }

        Console.Out.WriteLine($"stage ms:        {JsonSerializer.SerializeToNode(result.StageMs, CliJson.Default.InProcessStageMs)!.ToJsonString()}");
        Console.Out.WriteLine(string.Create(c, $"in-process fps:  {result.InProcessFps} (with temporal {result.InProcessFpsTemporal})"));
        if (result.CpuDifference is { } diff)
        {
            Console.Out.WriteLine(string.Create(c, $"vs CPU provider: mean abs diff {diff.MeanAbsDiff}, max {diff.MaxAbsDiff}, share of values over 1 level {diff.ShareOver1Level} ({diff.Frames} frames)"));
        }

        return 0;
    }

    /// <summary>Frames decoded past the measured window (see <see cref="RunPipelineAsync"/>).</summary>
    private const int DrainFrames = 18;

    // Fps: frames written per second over the steady window (a third of the run to the frame before the last).
    private sealed record PipelineRun(StylizeResult Result, double AllocatedPerFrame, long FramesCounted, int Gen0, int Gen1, int Gen2, IReadOnlyDictionary<string, double?> Cpu, double Fps);

    private static async Task<PipelineRun> RunPipelineAsync(
        string input, string work, string name, string? style, StyleLibrary library, int size, int frames, ExecutionDevice device, int threads, double temporal,
        ArbitraryStyle? arbitrary, int framesInFlight)
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
            FramesInFlight = framesInFlight,
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
        long windowStart = 0;
        long windowEnd = 0;
        var result = await StylizeRunner.RunAsync(options, null, written =>
        {
            // The CPU snapshots allocate: taken before the first and after the last allocation reading.
            if (written == first)
            {
                windowStart = Stopwatch.GetTimestamp();
                cpuAtFirst = CpuBreakdown.Snapshot(written);
                Interlocked.Exchange(ref allocatedAtFirst, GC.GetTotalAllocatedBytes(precise: true));
            }
            else if (written == last)
            {
                windowEnd = Stopwatch.GetTimestamp();
                Interlocked.Exchange(ref allocatedAtLast, GC.GetTotalAllocatedBytes(precise: true));
                cpuAtLast = CpuBreakdown.Snapshot(written);
            }
        }, CancellationToken.None);
        var counted = last - first;
        // The output rate over the same steady window as the CPU and allocation figures. From the first frame written
        // to the last (PipelineStats.SteadyFps) it would also count the start, where with several frames in flight the
        // second worker's finished frames wait for the first worker's slower first run and then leave in a burst.
        var fps = windowEnd > windowStart && windowStart > 0 ? counted / Stopwatch.GetElapsedTime(windowStart, windowEnd).TotalSeconds : result.Stats.SteadyFps;
        var perFrame = allocatedAtLast > 0 && allocatedAtFirst > 0 ? (double)(allocatedAtLast - allocatedAtFirst) / counted : double.NaN;
        return new PipelineRun(result, perFrame, counted, GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2,
            cpuAtFirst is not null && cpuAtLast is not null ? CpuBreakdown.PerFrame(cpuAtFirst, cpuAtLast) : new Dictionary<string, double?>(StringComparer.Ordinal), fps);
    }

    private static ArbitraryStyle? ArbitraryOption(string? image, string? transformer, int threads)
    {
        if (image is null)
        {
            return null;
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
            var (exit, _, stderr) = await FfmpegLauncher.RunAsync("ffmpeg", FrameGrabArguments.Build(input, null, png), CancellationToken.None);
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
        var (exit, _, stderr) = await FfmpegLauncher.RunAsync(
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
    private static Dictionary<string, double> StageBytes(PipelineStats stats)
    {
        var stages = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (stage, bytes) in stats.StageAllocatedBytesPerFrame())
        {
            stages[stage] = Math.Round(bytes, 1);
        }

        return stages;
    }

    private static double? Bytes(double perFrame) => double.IsNaN(perFrame) ? null : Math.Round(perFrame);

    /// <summary>A figure map as one line of compact JSON (the text report's "stage ms").</summary>
    private static string Compact(IReadOnlyDictionary<string, double> figures) =>
        JsonSerializer.SerializeToNode(figures, CliJson.Default.IReadOnlyDictionaryStringDouble)!.ToJsonString();

    private static void PrintText(BenchRow r)
    {
        var o = Console.Out;
        var c = CultureInfo.InvariantCulture;
        if (r.Transformer is not null)
        {
            o.WriteLine(string.Create(c, $"transformer:   {r.Transformer}") + (r.MeanAbsDiffVsShipped is { } d ? string.Create(c, $"; mean |output - shipped float output| {d} (0..255)") : ""));
        }

        o.WriteLine(string.Create(c, $"style {r.Style} on {r.ExecutionProvider}, {r.Threads} threads; frame {r.FrameSize}, tensor {r.TensorSize}, {r.Frames} frames"));
        o.WriteLine(string.Create(c, $"model fps:     {r.ModelFps}   (ONNX Runtime alone on a prepared tensor, mean of {r.ModelFpsBefore} before and {r.ModelFpsAfter} after the pipeline runs; {r.ModelCpuMsPerFrame} ms CPU time per frame, all threads)"));
        o.WriteLine(string.Create(c, $"pipeline fps:  {r.PipelineFps}   (steady window: a third of the run to the frame before the last; wall incl. start-up: {r.PipelineFpsWall})"));
        o.WriteLine(string.Create(c, $"efficiency:    {r.Efficiency}   ({r.FramesInFlight} frame(s) in flight)"));
        o.WriteLine(string.Create(c, $"with temporal: {r.PipelineFpsTemporal} fps, efficiency {r.EfficiencyTemporal}   ({r.FramesInFlightTemporal} frame(s) in flight)"));
        if (r.ModelFpsInFlight is { } parallel)
        {
            o.WriteLine(string.Create(
                c,
                $"in flight:     the model as {r.FramesInFlight} sessions at once: {parallel} fps; pipeline / that: {r.EfficiencyInFlight?.ToString(c) ?? "-"} (with temporal {r.EfficiencyInFlightTemporal?.ToString(c) ?? "-"})"));
        }
        o.WriteLine($"stage ms:      {Compact(r.StageMs)}");
        if (r.CpuMsPerFrame.Count > 0)
        {
            o.WriteLine($"CPU ms/frame:  {CpuBreakdown.Describe(r.CpuMsPerFrame)}");
            o.WriteLine($"  temporal:    {CpuBreakdown.Describe(r.CpuMsPerFrameTemporal)}");
            o.WriteLine(string.Create(c, $"CPU efficiency: {r.CpuEfficiency} (with temporal {r.CpuEfficiencyTemporal}): the bare model's CPU ms per frame over the pipeline's total"));
        }

        o.WriteLine($"machine load:  {r.LoadAverage} (1-min load average before -> after; ONNX Runtime spinning {(r.OrtSpinning ? "on" : "off")})");
        o.WriteLine(string.Create(c, $"peak RSS:      {r.PeakRssMb} MB"));
        o.WriteLine(string.Create(c, $"allocated:     frame path {r.AllocatedBytesPerFrame} B/frame (with temporal {r.AllocatedBytesPerFrameTemporal}) after {StageClock.WarmUpFrames} warm-up frames;"));
        o.WriteLine(string.Create(c, $"               whole process {r.ProcessAllocatedBytesPerFrame} B/frame (with temporal {r.ProcessAllocatedBytesPerFrameTemporal}) over {r.SteadyFramesCounted} frames (frame pool growth, runtime timers and thread pool included)"));
        o.WriteLine(string.Create(c, $"GCs gen0/1/2:  {r.GcGen0}/{r.GcGen1}/{r.GcGen2} (with temporal {r.GcTemporal})"));
    }
}
