using VideoStyler.Frames;
using System.Diagnostics;
using System.Globalization;
using VideoStyler.Cli.Reports;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using VideoStyler.Models;
using VideoStyler.Stylize;
using VideoStyler.Stylize.Providers;
using VideoStyler.Temporal;

namespace VideoStyler.Cli.Commands;

/// <summary>
/// `videostyler bench --no-io`: the in-process stages only, on frames generated in memory (no ffmpeg,
/// no files), so a GPU machine without ffmpeg can measure them: the bare model (with the per-frame
/// host/device transfers the stylizer does, and on a device also with tensors resident in device
/// memory), pre- and post-processing, the temporal stage, and on a device the output's difference to
/// the CPU provider's output for the same frames.
/// </summary>
internal static class InProcessBench
{
    public static InProcessBenchReport Run(
        StyleLibrary library, string? styleSpec, int width, int height, int size, int frames, ExecutionDevice device, int threads, int maxTile, int compareFrames, bool compareOnCpu = false)
    {
        var inputs = SyntheticFrames(width, height, frames + 1);
        var styled = inputs.Select(_ => new Mat(height, width, MatType.CV_8UC3)).ToList();
        try
        {
            var stats = new PipelineStats();
            using var stylizer = FrameStylizer.Create(library, styleSpec, new StyleControls(), width, height, size, device, threads, stats, maxTile);
            var provider = stylizer.ExecutionProvider;

            // Warm-up (arenas, cuDNN algorithm search, JIT), not counted.
            stylizer.Process(inputs[0], styled[0]);
            stylizer.Process(inputs[1], styled[1]);
            var before = Snapshot(stats);
            for (var i = 0; i < inputs.Count; i++)
            {
                stylizer.Process(inputs[i], styled[i]);
            }

            var (pre, model, post) = MeansSince(stats, before);

            // The bare model: rebinding included where the provider needs it (what every frame pays).
            double? bareFps = null;
            double? residentFps = null;
            string? residentError = null;
            string? tensor = null;
            if (stylizer.Primary is OnnxStylizer whole)
            {
                tensor = $"{whole.Geometry.TensorWidth}x{whole.Geometry.TensorHeight}";
                whole.Preprocess(inputs[0]);
                whole.RunModelOnly();
                bareFps = Fps(frames, whole.RunModelOnly);
                if (provider != ExecutionProviders.Cpu)
                {
                    try
                    {
                        residentFps = DeviceResidentFps(whole, frames);
                    }
                    catch (OnnxRuntimeException ex)
                    {
                        residentError = ex.Message.Split('\n')[0];
                    }
                }
            }

            // The temporal stage (one frame of lookahead), on the stylized frames.
            double temporalMs;
            using (var blender = new TemporalBlender(width, height, new TemporalOptions()))
            using (var output = new Mat(height, width, MatType.CV_8UC3))
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < inputs.Count - 1; i++)
                {
                    blender.Process(inputs[i], styled[i], inputs[i + 1], styled[i + 1], output);
                }

                temporalMs = clock.Elapsed.TotalMilliseconds / (inputs.Count - 1);
            }

            var report = new InProcessBenchReport
            {
                Style = stylizer.Name,
                ExecutionProvider = provider,
                Notice = stylizer.Notice,
                FrameSize = $"{width}x{height}",
                TensorSize = tensor,
                Tiled = stylizer.Primary is TiledStylizer,
                Frames = inputs.Count,
                Binding = (stylizer.Primary as OnnxStylizer)?.BindingMode.ToString().ToLowerInvariant(),
                ModelFps = Round(bareFps),
                ModelFpsDeviceResident = Round(residentFps),
                DeviceResidentError = residentError,
                PinnedStaging = (stylizer.Primary as OnnxStylizer)?.Tensors.IsPinnedStaging,
                StageMs = new InProcessStageMs(Round(pre), Round(model), Round(post), Round(temporalMs)),
                InProcessFps = Round(1000 / (pre + model + post)),
                InProcessFpsTemporal = Round(1000 / (pre + model + post + temporalMs)),
                Threads = threads > 0 ? threads : Environment.ProcessorCount,
                CpuDifference = provider != ExecutionProviders.Cpu || compareOnCpu
                    ? CompareWithCpu(library, styleSpec, inputs, styled, width, height, size, threads, maxTile, compareFrames)
                    : null,
            };

            return report;
        }
        finally
        {
            inputs.ForEach(m => m.Dispose());
            styled.ForEach(m => m.Dispose());
        }
    }

    /// <summary>
    /// The bare model with input and output resident in device memory, bound once: no host transfers at
    /// all (the input holds whatever the allocator gave; the time does not depend on it).
    /// </summary>
    private static double? DeviceResidentFps(OnnxStylizer stylizer, int frames)
    {
        var session = stylizer.Style.Session;
        var convention = stylizer.Style.Convention;
        var (w, h) = (stylizer.Geometry.TensorWidth, stylizer.Geometry.TensorHeight);
        long[] shape = convention.Layout == TensorLayout.Nchw ? [1, 3, h, w] : [1, h, w, 3];
        using var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, 0, OrtMemType.Default);
        using var allocator = new OrtAllocator(session, memory);
        using var input = OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Float, shape);
        using var output = OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Float, shape);
        using var binding = session.CreateIoBinding();
        using var options = new RunOptions();
        binding.BindInput(convention.InputName, input);
        binding.BindOutput(convention.OutputName, output);
        session.RunWithBinding(options, binding);
        binding.SynchronizeBoundOutputs();
        return Fps(frames, () =>
        {
            session.RunWithBinding(options, binding);
            binding.SynchronizeBoundOutputs();
        });
    }

    /// <summary>Mean and largest absolute difference (0..255 levels) between this device's and the CPU provider's outputs.</summary>
    private static CpuDifference CompareWithCpu(
        StyleLibrary library, string? styleSpec, List<Mat> inputs, List<Mat> styled, int width, int height, int size, int threads, int maxTile, int count)
    {
        count = Math.Min(count, inputs.Count);
        using var cpu = FrameStylizer.Create(library, styleSpec, new StyleControls(), width, height, size, ExecutionDevice.Cpu, threads, null, maxTile);
        using var reference = new Mat(height, width, MatType.CV_8UC3);
        using var diff = new Mat();
        using var above = new Mat();
        double meanSum = 0;
        double max = 0;
        double overOne = 0;
        for (var i = 0; i < count; i++)
        {
            cpu.Process(inputs[i], reference);
            Cv2.Absdiff(styled[i], reference, diff);
            var mean = Cv2.Mean(diff);
            meanSum += (mean.Val0 + mean.Val1 + mean.Val2) / 3;
            using var flat = diff.Reshape(1);
            flat.MinMaxLoc(out double _, out double frameMax);
            max = Math.Max(max, frameMax);
            Cv2.Threshold(flat, above, 1, 255, ThresholdTypes.Binary);
            overOne += Cv2.CountNonZero(above) / (double)flat.Total();
        }

        return new CpuDifference(count, Math.Round(meanSum / count, 4), max, Math.Round(overOne / count, 6));
    }

    /// <summary>
    /// Frames made in memory: smooth colour fields, shapes with hard edges and text, moving 3 px right
    /// and 2 px down per frame (the temporal stage sees real motion). Deterministic.
    /// </summary>
    internal static List<Mat> SyntheticFrames(int width, int height, int count)
    {
        var margin = 3 * count + 8;
        using var canvas = new Mat(height + margin, width + margin, MatType.CV_8UC3);
        using (var seed = new Mat(9, 16, MatType.CV_8UC3))
        {
            Cv2.SetTheRNG(20261130);
            Cv2.Randu(seed, Scalar.All(0), Scalar.All(255));
            Cv2.Resize(seed, canvas, canvas.Size(), 0, 0, InterpolationFlags.Cubic);
        }

        var rng = new Random(7);
        var unit = Math.Max(4, Math.Min(width, height) / 12);
        for (var i = 0; i < 24; i++)
        {
            var colour = new Scalar(rng.Next(256), rng.Next(256), rng.Next(256));
            var at = new Point(rng.Next(canvas.Width), rng.Next(canvas.Height));
            if (i % 2 == 0)
            {
                Cv2.Circle(canvas, at, rng.Next(unit / 2, unit * 2), colour, -1, LineTypes.AntiAlias);
            }
            else
            {
                Cv2.Rectangle(canvas, new Rect(at.X, at.Y, rng.Next(unit, unit * 3), rng.Next(unit, unit * 3)), colour, Math.Max(2, unit / 6));
            }
        }

        Cv2.PutText(canvas, "VideoStyler", new Point(unit, canvas.Height / 2), HersheyFonts.HersheySimplex, unit / 12.0, Scalar.All(255), Math.Max(1, unit / 8), LineTypes.AntiAlias);
        return [.. Enumerable.Range(0, count).Select(i => new Mat(canvas, new Rect(3 * i, 2 * i, width, height)).Clone())];
    }

    private static double Fps(int frames, Action run)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < frames; i++)
        {
            run();
        }

        return frames / clock.Elapsed.TotalSeconds;
    }

    private static (double Ticks, long Count)[] Snapshot(PipelineStats stats) =>
        [.. new[] { stats.Preprocess, stats.Model, stats.Postprocess }.Select(c => (c.TotalSeconds, c.Count))];

    private static (double Pre, double Model, double Post) MeansSince(PipelineStats stats, (double Seconds, long Count)[] before)
    {
        var clocks = new[] { stats.Preprocess, stats.Model, stats.Postprocess };
        var means = clocks.Select((c, i) => 1000 * (c.TotalSeconds - before[i].Seconds) / Math.Max(1, c.Count - before[i].Count)).ToArray();
        return (means[0], means[1], means[2]);
    }

    private static double? Round(double? value) => value is { } v && double.IsFinite(v) ? Math.Round(v, 3) : null;

    /// <summary>"1280x720" to (1280, 720).</summary>
    public static (int Width, int Height) ParseFrameSize(string text) =>
        TryParseFrameSize(text, out var size) ? size : throw new UsageException(FrameSizeError(text));

    /// <summary>"1280x720" to (1280, 720), sides from 16 to 8192.</summary>
    public static bool TryParseFrameSize(string text, out (int Width, int Height) size)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && w is >= 16 and <= 8192 && h is >= 16 and <= 8192)
        {
            size = (w, h);
            return true;
        }

        size = default;
        return false;
    }

    /// <summary>The one-line message for a bad --frame-size.</summary>
    public static string FrameSizeError(string text) => $"--frame-size must be WIDTHxHEIGHT between 16 and 8192, not '{text}'";
}
