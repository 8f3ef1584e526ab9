using OpenCvSharp;
using VideoStyler.Quality;

namespace VideoStyler.Temporal;

/// <summary>
/// How much of the per-frame style any temporal stage could keep at a given flicker ratio, measured where
/// the answer does not depend on optical flow: on the pixels that are static in every frame pair (the flicker
/// meter's own mask and flow, displacement under half a pixel). There each channel value is a plain time
/// series, E_warp reduces to the squared frame-to-frame change, and <see cref="ChangePenaltySolver"/> finds,
/// for every exchange rate, the series with the least absolute loss against the per-frame reference for its
/// squared change, knowing the whole clip in advance. The resulting curve (flicker ratio, retention) is an
/// upper bound for any causal or lookahead method on those pixels, the temporal stage included; moving
/// pixels, where the flow adds its own errors, are harder still. Retention and flicker ratio are computed
/// exactly as <see cref="FlickerMeter"/> does, restricted to these pixels.
/// </summary>
internal static class FlickerFrontier
{
    private const float StaticDisplacementSquared = 0.25f;
    private const int BisectionSteps = 8;
    private static readonly double[] s_lambdas = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.3];

    /// <param name="inputPath">The source clip.</param>
    /// <param name="referencePath">Its per-frame stylization (<c>--no-temporal</c>).</param>
    /// <param name="outputPath">Optionally an output to place on the same pixels.</param>
    /// <param name="targetFlickerRatio">Flicker ratio at which to report the best retention.</param>
    /// <param name="sampleStride">Every n-th static pixel in x and y is solved (the curve is a mean).</param>
    public static FrontierReport Measure(string inputPath, string referencePath, string? outputPath, double targetFlickerRatio, int sampleStride = 4)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetFlickerRatio);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleStride);
        var (isStatic, width, height, frames) = FindStaticPixels(inputPath);
        var staticCount = isStatic.Count(s => s);
        var sampled = Enumerable.Range(0, width * height)
            .Where(i => isStatic[i] && i / width % sampleStride == 0 && i % width % sampleStride == 0)
            .ToArray();
        if (frames < 2 || sampled.Length == 0)
        {
            throw new InvalidDataException($"'{inputPath}' has no pixel that stays still through the clip ({frames} frames): nothing to bound.");
        }

        var reference = Gather(referencePath, "reference", sampled, width, height, frames);
        var input = Gather(inputPath, "input", sampled, width, height, frames);
        var output = outputPath is null ? null : Gather(outputPath, "output", sampled, width, height, frames);
        var series = sampled.Length * 3;
        var referenceChange = SquaredChange(reference, series, frames);
        var referenceStyle = AbsoluteDifference(reference, input);
        if (referenceChange == 0 || referenceStyle == 0)
        {
            throw new InvalidDataException($"'{referencePath}' neither changes over time nor differs from the input on the static pixels: nothing to bound.");
        }

        FrontierPoint Evaluate(double lambda)
        {
            var (loss, change) = Optimize(reference, series, frames, lambda);
            return new FrontierPoint(lambda, change / referenceChange, 1 - (loss / referenceStyle));
        }

        var curve = s_lambdas.Select(Evaluate).ToList();
        return new FrontierReport
        {
            Frames = frames,
            StaticShare = (double)staticCount / (width * height),
            SampledSeries = series,
            TargetFlickerRatio = targetFlickerRatio,
            BestRetention = AtTarget(curve, targetFlickerRatio, Evaluate)?.Retention,
            Curve = curve,
            Output = output is null
                ? null
                : new FrontierPoint(null, SquaredChange(output, series, frames) / referenceChange, 1 - (AbsoluteDifference(output, reference) / referenceStyle)),
        };
    }

    /// <summary>Bisects the exchange rate between the two curve points that bracket the target flicker ratio.</summary>
    private static FrontierPoint? AtTarget(List<FrontierPoint> curve, double target, Func<double, FrontierPoint> evaluate)
    {
        var above = curve.LastOrDefault(p => p.FlickerRatio >= target);
        var below = curve.FirstOrDefault(p => p.FlickerRatio <= target);
        if (above is null || below is null)
        {
            return null;
        }

        var (low, high) = (above.Lambda!.Value, below.Lambda!.Value);
        var best = below;
        for (var step = 0; step < BisectionSteps && low < high; step++)
        {
            var point = evaluate(Math.Sqrt(low * high));
            if (point.FlickerRatio > target)
            {
                low = point.Lambda!.Value;
            }
            else
            {
                (high, best) = (point.Lambda!.Value, point);
            }
        }

        return best;
    }

    private static (bool[] IsStatic, int Width, int Height, int Frames) FindStaticPixels(string inputPath)
    {
        using var capture = ClipFrames.Open(inputPath, "input");
        using var frame = new Mat();
        if (!ClipFrames.Read(capture, frame))
        {
            throw new InvalidDataException($"No frames could be read from '{inputPath}'.");
        }

        var (width, height) = (frame.Cols, frame.Rows);
        var isStatic = new bool[width * height];
        Array.Fill(isStatic, true);
        using var flow = new OcclusionAwareFlow(width, height);
        var previous = new Mat();
        var current = new Mat();
        try
        {
            Cv2.CvtColor(frame, previous, ColorConversionCodes.BGR2GRAY);
            var frames = 1;
            while (ClipFrames.Read(capture, frame))
            {
                ClipFrames.CheckSize(frame, width, height, inputPath, frames);
                Cv2.CvtColor(frame, current, ColorConversionCodes.BGR2GRAY);
                flow.Compute(previous, current);
                for (var y = 0; y < height; y++)
                {
                    var map = flow.Map.RowSpan<Vec2f>(y);
                    var valid = flow.Valid.RowSpan<byte>(y);
                    var row = isStatic.AsSpan(y * width, width);
                    for (var x = 0; x < width; x++)
                    {
                        var dx = map[x].Item0 - x;
                        var dy = map[x].Item1 - y;
                        row[x] &= valid[x] != 0 && (dx * dx) + (dy * dy) <= StaticDisplacementSquared;
                    }
                }

                (previous, current) = (current, previous);
                frames++;
            }

            return (isStatic, width, height, frames);
        }
        finally
        {
            previous.Dispose();
            current.Dispose();
        }
    }

    /// <summary>The sampled pixels' channel values as series: value (pixel s, channel c) at frame t is at ((3 s + c) frames + t).</summary>
    private static float[] Gather(string path, string role, int[] sampled, int width, int height, int frames)
    {
        using var capture = ClipFrames.Open(path, role);
        using var frame = new Mat();
        var values = new float[sampled.Length * 3 * frames];
        var t = 0;
        for (; ClipFrames.Read(capture, frame); t++)
        {
            if (t == frames)
            {
                throw new InvalidDataException($"Frame counts differ: '{path}' has more than the input's {frames}.");
            }

            ClipFrames.CheckSize(frame, width, height, path, t);
            for (var s = 0; s < sampled.Length; s++)
            {
                var pixel = frame.RowSpan<byte>(sampled[s] / width).Slice(sampled[s] % width * 3, 3);
                for (var c = 0; c < 3; c++)
                {
                    values[(((3 * s) + c) * frames) + t] = pixel[c];
                }
            }
        }

        if (t != frames)
        {
            throw new InvalidDataException($"Frame counts differ: '{path}' has {t}, the input {frames}.");
        }

        return values;
    }

    private static double SquaredChange(float[] values, int series, int frames)
    {
        var total = 0.0;
        for (var s = 0; s < series; s++)
        {
            var row = values.AsSpan(s * frames, frames);
            for (var t = 1; t < frames; t++)
            {
                var change = row[t] - row[t - 1];
                total += change * change;
            }
        }

        return total;
    }

    private static double AbsoluteDifference(float[] a, float[] b)
    {
        var total = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            total += Math.Abs(a[i] - b[i]);
        }

        return total;
    }

    /// <summary>Solves every series at one exchange rate; returns its total absolute loss and squared change.</summary>
    private static (double Loss, double Change) Optimize(float[] reference, int series, int frames, double lambda)
    {
        var parts = Math.Max(1, Environment.ProcessorCount);
        var loss = new double[parts];
        var change = new double[parts];

        // ADMM's convergence slows as the weight grows: measured on the shared clips, 150 iterations reach the
        // optimum's objective to 1e-5 up to lambda 0.1, 400 to 1e-4 at 0.3.
        var iterations = lambda <= 0.1 ? 150 : 400;
        Parallel.For(0, parts, part =>
        {
            var solver = new ChangePenaltySolver(frames, lambda);
            var result = new double[frames];
            for (var s = part; s < series; s += parts)
            {
                var row = reference.AsSpan(s * frames, frames);
                solver.Solve(row, result, iterations);
                for (var t = 0; t < frames; t++)
                {
                    loss[part] += Math.Abs(result[t] - row[t]);
                    if (t > 0)
                    {
                        var step = result[t] - result[t - 1];
                        change[part] += step * step;
                    }
                }
            }
        });

        return (loss.Sum(), change.Sum());
    }
}
