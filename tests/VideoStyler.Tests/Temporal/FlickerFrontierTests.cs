using System.Text.Json;
using OpenCvSharp;
using VideoStyler.Temporal;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Temporal;

public sealed class FlickerFrontierTests : IDisposable
{
    private const int Width = 160;
    private const int Height = 120;
    private const int FrameCount = 12;
    private readonly TempFolder _temp = new();
    private readonly FrameKeeper _frames = new();

    public void Dispose()
    {
        _frames.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Solver_HoldsASpikeBackByTheClosedFormAmount()
    {
        // r = 100 everywhere except one frame at 200. Moving the spike frame from 100 by d saves d of absolute
        // loss and costs 2 lambda d^2 of squared change: d = 1 / (4 lambda); its neighbours gain nothing by moving.
        const double lambda = 0.01;
        var reference = Enumerable.Repeat(100f, 21).ToArray();
        reference[10] = 200;
        var result = new double[reference.Length];

        new ChangePenaltySolver(reference.Length, lambda).Solve(reference, result);

        Assert.Equal(100 + (1 / (4 * lambda)), result[10], 1);
        Assert.All(result.Where((_, t) => t != 10), value => Assert.Equal(100, value, 1));
    }

    [Fact]
    public void Solver_KeepsTheSeriesAtTinyWeights_AndHoldsTheMedianAtHugeOnes()
    {
        var random = new Random(5);
        var reference = Enumerable.Range(0, 30).Select(_ => (float)random.Next(0, 256)).ToArray();
        var result = new double[reference.Length];

        new ChangePenaltySolver(reference.Length, 1e-4).Solve(reference, result);
        Assert.All(result.Zip(reference), pair => Assert.Equal(pair.Second, pair.First, 1));

        // At a huge weight changes cost far more than they save: nearly one value for the whole clip, the median.
        new ChangePenaltySolver(reference.Length, 10).Solve(reference, result, iterations: 50_000);
        var sorted = reference.Order().ToArray();
        Assert.InRange(result.Max() - result.Min(), 0, 3);
        Assert.InRange(result.Average(), sorted[14] - 1, sorted[15] + 1);
    }

    [Theory]
    [InlineData(0.003)]
    [InlineData(0.03)]
    [InlineData(0.3)]
    public void Solver_BeatsEveryNearbySeries(double lambda)
    {
        var random = new Random(7);
        var reference = Enumerable.Range(0, 40).Select(t => (float)(120 + (random.NextDouble() < 0.3 ? 60 : 0) + random.Next(-5, 6))).ToArray();
        var solver = new ChangePenaltySolver(reference.Length, lambda);
        var result = new double[reference.Length];
        solver.Solve(reference, result);
        var best = solver.Objective(reference, result);

        Assert.True(best <= solver.Objective(reference, reference.Select(v => (double)v).ToArray()) + 1e-6);
        var candidate = new double[reference.Length];
        for (var trial = 0; trial < 300; trial++)
        {
            for (var t = 0; t < candidate.Length; t++)
            {
                candidate[t] = result[t] + (random.NextDouble() < 0.2 ? random.NextDouble() * 4 - 2 : 0);
            }

            Assert.True(best <= solver.Objective(reference, candidate) + 1e-6, $"trial {trial}: {solver.Objective(reference, candidate)} < {best}");
        }
    }

    [Fact]
    public void Frontier_OnAStaticClip_BoundsAnOutputFromAbove()
    {
        // A still scene whose "stylization" (inversion) flickers: each frame 30% of the values jump by 40.
        var picture = _frames.Keep(TestClips.Texture(Width, Height, seed: 11));
        var stylized = _frames.Keep(TestFrames.Invert(picture));
        var random = new Random(13);
        var reference = _frames.Keep(Enumerable.Range(0, FrameCount).Select(_ =>
        {
            using var noise = new Mat(Height, Width, MatType.CV_8UC3);
            random.NextBytes(noise.AsSpan<byte>());
            using var jumps = new Mat();
            Cv2.Threshold(noise, jumps, 178, 40, ThresholdTypes.Binary);
            var frame = new Mat();
            Cv2.Add(stylized, jumps, frame);
            return frame;
        }));

        // A simple causal filter: each output frame halfway between the last output and the reference.
        var smoothed = new List<Mat> { _frames.Keep(reference[0].Clone()) };
        foreach (var frame in reference.Skip(1))
        {
            var next = _frames.Keep(new Mat());
            Cv2.AddWeighted(smoothed[^1], 0.5, frame, 0.5, 0, next);
            smoothed.Add(next);
        }

        var inputPath = TestClips.Write(_temp.Path, "in.mkv", Enumerable.Repeat(picture, FrameCount).ToList());
        var referencePath = TestClips.Write(_temp.Path, "ref.mkv", reference);
        var outputPath = TestClips.Write(_temp.Path, "out.mkv", smoothed);

        var first = FlickerFrontier.Measure(inputPath, referencePath, outputPath, 0.15, sampleStride: 4);
        var output = first.Output!;
        var atOutput = FlickerFrontier.Measure(inputPath, referencePath, null, output.FlickerRatio, sampleStride: 4);

        Assert.Equal(FrameCount, first.Frames);
        Assert.InRange(first.StaticShare, 0.95, 1);
        Assert.InRange(first.SampledSeries, Width / 4 * (Height / 4) * 3 * 0.9, Width / 4 * (Height / 4) * 3);
        Assert.InRange(output.FlickerRatio, 0.1, 0.6);

        // Less smoothing keeps more style: the curve falls as flicker falls, from (about 1, 1) down.
        Assert.True(first.Curve[0].FlickerRatio > 0.8 && first.Curve[0].Retention > 0.98, $"{first.Curve[0]}");
        for (var i = 1; i < first.Curve.Count; i++)
        {
            Assert.True(first.Curve[i].FlickerRatio <= first.Curve[i - 1].FlickerRatio + 1e-3, $"{first.Curve[i]} after {first.Curve[i - 1]}");
            Assert.True(first.Curve[i].Retention <= first.Curve[i - 1].Retention + 1e-3, $"{first.Curve[i]} after {first.Curve[i - 1]}");
        }

        // The bound: at the filter's own flicker ratio the optimum keeps more of the style than the filter.
        Assert.NotNull(atOutput.BestRetention);
        Assert.True(atOutput.BestRetention > output.Retention + 0.02, $"best {atOutput.BestRetention} vs filter {output.Retention}");
        Assert.NotNull(first.BestRetention);
        Assert.True(first.BestRetention < atOutput.BestRetention, "a lower flicker target costs retention");

        using var json = JsonDocument.Parse(first.ToJson());
        Assert.Equal(
            ["frames", "static_share", "sampled_series", "target_flicker_ratio", "best_retention", "curve", "output"],
            json.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
    }
}
