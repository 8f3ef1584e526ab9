using OpenCvSharp;
using VideoStyler.Models;
using VideoStyler.Models.Onnx;
using VideoStyler.Stylize;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Stylize;

/// <summary>
/// Bottleneck features carried along the flow, with the real candy network on the shared webcam clips
/// (frames at 320x240, processing size 240 and 160, to stay fast).
/// </summary>
public sealed class FeatureFlowStylizerTests : IDisposable
{
    private const int Width = 320;
    private const int Height = 240;
    private readonly StyleSession _candy = StyleSession.Load(StyleLibrary.FromPath(TestPaths.SharedModel("candy.onnx")), ExecutionDevice.Cpu);
    private readonly SmallClip _clip = new(Width, Height);

    public void Dispose()
    {
        _clip.Dispose();
        _candy.Dispose();
    }

    [Fact]
    public void CutIsFoundAtTheLastResidualBlock_NotInAGraphWithoutUpsampling()
    {
        var split = BottleneckSplitter.TrySplit(_candy.ParseModel()!, out var reason)!;
        Assert.Null(reason);
        Assert.Equal("Add", split.Encoder.Graph.Node[^1].OpType);
        Assert.Contains(split.Decoder.Graph.Node, n => n.OpType == "ConvTranspose");
        Assert.DoesNotContain(split.Encoder.Graph.Node, n => n.OpType == "ConvTranspose");

        using var toon = StyleSession.Load(StyleLibrary.Embedded("toon")!, ExecutionDevice.Cpu);
        Assert.Null(BottleneckSplitter.TrySplit(toon.ParseModel()!, out var toonReason));
        Assert.NotNull(toonReason);
    }

    [Fact]
    public void EncoderThenDecoderEqualTheWholeNetwork_AStaticClipStaysStatic()
    {
        var frame = _clip.Read("help.mkv", 1)[0];
        using var plain = new OnnxStylizer(_candy, Width, Height, 160);
        var expected = _clip.Run(plain, frame);
        using var carried = FeatureFlowStylizer.TryCreate(_candy, Width, Height, 160, out _)!;
        Assert.Equal((64, 40, 54), carried.FeatureShape); // 160 x 213 padded to 160 x 216, a quarter of it
        Assert.Equal(new Size(53, 40), carried.FlowSize); // on the CPU the flow is at the content part of the features
        Assert.Equal(1, FeatureFlowStylizer.DefaultFlowOversampling(_candy));
        using (var fine = FeatureFlowStylizer.TryCreate(_candy, Width, Height, 160, out _, flowOversampling: FeatureFlowStylizer.FlowOversampling)!)
        {
            Assert.Equal(new Size(106, 80), fine.FlowSize); // as on a device provider: twice finer
            var fineOutputs = Enumerable.Range(0, 4).Select(_ => _clip.Run(fine, frame)).ToList();
            Assert.True(TestFrames.MeanAbsDiff(fineOutputs[0], expected) < 0.05);
            Assert.True(TestFrames.MeanAbsDiff(fineOutputs[3], fineOutputs[0]) < 0.5, "a static clip stays static with the finer flow too");
        }

        var outputs = Enumerable.Range(0, 6).Select(_ => _clip.Run(carried, frame)).ToList();
        Assert.True(TestFrames.MeanAbsDiff(outputs[0], expected) < 0.05, $"encoder + decoder vs the network: {TestFrames.MeanAbsDiff(outputs[0], expected)}");
        Assert.False(carried.LastFrameWasReset);
        for (var i = 1; i < outputs.Count; i++)
        {
            // Farneback finds hundredths of a pixel of motion in identical frames; the bilinear warp of the history
            // by it softens the features a little (measured: 0.14 levels after three frames), and no more than that.
            Assert.True(TestFrames.MeanAbsDiff(outputs[i], outputs[0]) < 0.5, $"frame {i} of a static clip moved by {TestFrames.MeanAbsDiff(outputs[i], outputs[0])}");
        }
    }

    [Fact]
    public void CutPointsAreListed_TheLaterCutComesAfterTheFirstUpsampling()
    {
        var model = _candy.ParseModel()!;
        var points = BottleneckSplitter.CutPoints(model);
        Assert.Equal(points.OrderBy(p => p.NodeIndex).Select(p => p.NodeIndex), points.Select(p => p.NodeIndex));
        var bottleneck = points.Last(p => p.UpsamplingBefore == 0);
        var later = points.Last(p => p.UpsamplingBefore == 1);
        Assert.Equal("Add", model.Graph.Node[bottleneck.NodeIndex].OpType);   // the last residual block
        Assert.Equal("Relu", model.Graph.Node[later.NodeIndex].OpType);       // the first upsampling block's activation
        Assert.Equal(bottleneck.Tensor, BottleneckSplitter.TrySplit(model, out _)!.Features);

        var split = BottleneckSplitter.TrySplit(model, out var reason, cut: FeatureCut.AfterFirstUpsampling)!;
        Assert.Null(reason);
        Assert.Equal(later.Tensor, split.Features);
        Assert.Single(split.Encoder.Graph.Node, n => n.OpType == "ConvTranspose");
        Assert.Single(split.Decoder.Graph.Node, n => n.OpType == "ConvTranspose");
    }

    [Fact]
    public void TheLaterCut_EncoderThenDecoderEqualTheWholeNetwork_AtHalfTheSize()
    {
        var frame = _clip.Read("help.mkv", 1)[0];
        using var plain = new OnnxStylizer(_candy, Width, Height, 160);
        var expected = _clip.Run(plain, frame);
        using var carried = FeatureFlowStylizer.TryCreate(_candy, Width, Height, 160, out var reason, cut: FeatureCut.AfterFirstUpsampling, flowOversampling: 2)!;
        Assert.Null(reason);
        Assert.Equal((32, 80, 108), carried.FeatureShape); // 160 x 216 (padded), half of it
        Assert.Equal(new Size(212, 160), carried.FlowSize);  // 106 x 80 content features, twice that (the processing size)
        var first = _clip.Run(carried, frame);
        Assert.True(TestFrames.MeanAbsDiff(first, expected) < 0.05, $"encoder + decoder vs the network: {TestFrames.MeanAbsDiff(first, expected)}");
        var second = _clip.Run(carried, frame);
        Assert.False(carried.LastFrameWasReset);
        Assert.True(TestFrames.MeanAbsDiff(second, first) < 0.5, $"a static clip moved by {TestFrames.MeanAbsDiff(second, first)}");
    }

    [Fact]
    public void AShiftedClip_TheOutputShiftsWithIt()
    {
        // The camera pans 4 px per frame over a still picture (processing size = frame size, so one feature position).
        using var dog = Cv2.ImRead(TestPaths.SharedData("dog.jpg"));
        using var wide = dog.Resize(new Size(Width + 40, Height), 0, 0, InterpolationFlags.Area);
        using var carried = FeatureFlowStylizer.TryCreate(_candy, Width, Height, Height, out _)!;
        var outputs = Enumerable.Range(0, 5).Select(t => _clip.Run(carried, _clip.Keep(wide[new Rect(4 * t, 0, Width, Height)].Clone()))).ToList();
        Assert.False(carried.LastFrameWasReset);

        // Frame 4 seen 16 px further right: its picture at x matches frame 0's at x + 16 (away from the borders).
        using var aligned4 = outputs[4][new Rect(24, 24, Width - 64, Height - 48)];
        using var aligned0 = outputs[0][new Rect(40, 24, Width - 64, Height - 48)];
        using var unaligned0 = outputs[0][new Rect(24, 24, Width - 64, Height - 48)];
        var aligned = TestFrames.MeanAbsDiff(aligned4, aligned0);
        var unaligned = TestFrames.MeanAbsDiff(aligned4, unaligned0);
        Assert.True(aligned < 0.4 * unaligned, $"aligned {aligned} vs unaligned {unaligned}");
    }

    [Fact]
    public void TheBlendRestoresTheFreshPlanesSpread_AboutTheBlendedMean_AndNeverLowersIt()
    {
        // Two unrelated noise planes (the fresh features and the warped history), blended half and half: the sum has
        // 1/sqrt(2) of their spread; the restore scales it back to the fresh plane's about the blended mean.
        using var cv = new VideoStyler.Frames.MatCalls();
        using var fresh = Noise(60, 80, mean: 2, spread: 1, seed: 1);
        using var history = Noise(60, 80, mean: 1, spread: 1, seed: 2);
        using var half = new Mat(60, 80, MatType.CV_32FC1, Scalar.All(0.5));
        var (freshMean, freshSpread) = cv.MeanStdDev(fresh);

        using var plain = fresh.Clone();
        FeatureFlowStylizer.BlendPlane(cv, plain, history, half, half, restoreSpread: false);
        var (plainMean, plainSpread) = cv.MeanStdDev(plain);
        Assert.InRange(plainSpread / freshSpread, 0.65, 0.76);

        using var restored = fresh.Clone();
        FeatureFlowStylizer.BlendPlane(cv, restored, history, half, half, restoreSpread: true);
        var (restoredMean, restoredSpread) = cv.MeanStdDev(restored);
        Assert.Equal(freshSpread, restoredSpread, 4);
        Assert.Equal(plainMean, restoredMean, 4);
        Assert.True(Math.Abs(restoredMean - freshMean) > 0.3, "the mean is the blended one, not the fresh one");

        // A blend that already has more spread than the fresh plane is left as blended (never scaled down).
        using var wild = Noise(60, 80, mean: 1, spread: 4, seed: 3);
        using var wildPlain = fresh.Clone();
        using var wildRestored = fresh.Clone();
        FeatureFlowStylizer.BlendPlane(cv, wildPlain, wild, half, half, restoreSpread: false);
        FeatureFlowStylizer.BlendPlane(cv, wildRestored, wild, half, half, restoreSpread: true);
        Assert.Equal(0, Cv2.Norm(wildPlain, wildRestored, NormTypes.INF));

        // Nothing carried (trust 0): the fresh plane, unchanged (to blendLinear's 1e-5 in its divisor).
        using var zero = new Mat(60, 80, MatType.CV_32FC1, Scalar.All(0));
        using var one = new Mat(60, 80, MatType.CV_32FC1, Scalar.All(1));
        using var untouched = fresh.Clone();
        FeatureFlowStylizer.BlendPlane(cv, untouched, history, one, zero, restoreSpread: true);
        Assert.True(Cv2.Norm(untouched, fresh, NormTypes.INF) < 1e-3, $"{Cv2.Norm(untouched, fresh, NormTypes.INF)}");
    }

    [Fact]
    public void TheSpreadRestoreChangesCarriedFramesOnly()
    {
        // The first frame is fresh (nothing blended, nothing restored); on later frames of a moving clip the restore
        // changes the output, by a little.
        var frames = _clip.Read("walk.mkv", 4);
        using var restoring = FeatureFlowStylizer.TryCreate(_candy, Width, Height, 160, out _)!;
        using var plain = FeatureFlowStylizer.TryCreate(_candy, Width, Height, 160, out _)!;
        plain.RestoreSpread = false;
        for (var i = 0; i < frames.Count; i++)
        {
            using var a = _clip.Run(restoring, frames[i]);
            using var b = _clip.Run(plain, frames[i]);
            var difference = TestFrames.MeanAbsDiff(a, b);
            if (i == 0)
            {
                Assert.Equal(0, difference);
            }
            else
            {
                Assert.False(restoring.LastFrameWasReset);
                Assert.InRange(difference, 0.05, 10);
            }
        }
    }

    private static Mat Noise(int rows, int cols, double mean, double spread, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * cols];
        for (var i = 0; i < values.Length; i++)
        {
            // Box-Muller: normal noise.
            var u = 1 - random.NextDouble();
            var v = random.NextDouble();
            values[i] = (float)(mean + (spread * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v)));
        }

        var mat = new Mat(rows, cols, MatType.CV_32FC1);
        mat.SetArray(values);
        return mat;
    }

    [Fact]
    public void CarryingFeaturesAllocatesNothingAfterWarmUp()
    {
        var frames = _clip.Read("help.mkv", 11);
        using var carried = FeatureFlowStylizer.TryCreate(_candy, Width, Height, 160, out _)!;
        using var output = new Mat(Height, Width, MatType.CV_8UC3);

        // The warm-up: a fresh frame, then carried ones, so that each of the two feature sets (swapped every frame)
        // has been the blend's target and its OpenCV proxies exist, and the runtime's one-off work on the first
        // calls (a 528-byte allocation on the 6th frame, seen once the stage had helper threads) is behind us.
        const int warmUp = 8;
        for (var i = 0; i < warmUp; i++)
        {
            carried.Process(frames[i], output);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = warmUp; i < frames.Count; i++)
        {
            carried.Process(frames[i], output);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.False(carried.LastFrameWasReset);
        Assert.True(allocated == 0, $"carrying features allocated {allocated} bytes over 3 frames");
    }

    [Fact]
    public void HelperThreadsGiveTheSameFramesAsOneThread()
    {
        // The flow measured on the nice-19 helper during the encoder run, the planes blended in two halves: the same
        // arithmetic on the same data as the single-thread path, so the same bytes.
        var frames = _clip.Read("walk.mkv", 5);
        using var helped = FeatureFlowStylizer.TryCreate(_candy, Width, Height, 160, out _)!;
        using var alone = FeatureFlowStylizer.TryCreate(_candy, Width, Height, 160, out _, helpers: false)!;
        foreach (var frame in frames)
        {
            using var a = _clip.Run(helped, frame);
            using var b = _clip.Run(alone, frame);
            Assert.Equal(helped.LastFrameWasReset, alone.LastFrameWasReset);
            Assert.Equal(0, TestFrames.MeanAbsDiff(a, b));
        }

        Assert.False(helped.LastFrameWasReset);
    }

    [Fact]
    public void TwoLanesOnTwoThreadsGiveTheFramesOfOneLane_ThroughACut()
    {
        // Frames 0, 2, 4, ... on one thread, 1, 3, 5, ... on another, each lane with its own tensors and the sessions
        // shared; the flow and the blend take turns in frame order, so every frame (and the reset at the help -> walk
        // cut) is the one-lane frame, byte for byte. The even lane runs late on purpose, so the odd lane has to wait.
        var frames = _clip.Read("help.mkv", 58).TakeLast(5).Concat(_clip.Read("walk.mkv", 4)).ToList();
        using var one = FeatureFlowStylizer.TryCreate(_candy, Width, Height, 160, out _)!;
        using var single = StyleSession.Load(StyleLibrary.FromPath(TestPaths.SharedModel("candy.onnx")), ExecutionDevice.Cpu, intraOpThreads: 1);
        using var two = FeatureFlowStylizer.TryCreate(single, Width, Height, 160, out _, lanes: 2)!;
        Assert.Equal(1, one.Lanes);
        Assert.Equal(2, two.Lanes);
        using (var scratch = new Mat(frames[0].Size(), MatType.CV_8UC3))
        {
            Assert.Throws<InvalidOperationException>(() => two.Process(frames[0], scratch));
        }

        var expected = new List<Mat>();
        var expectedResets = new List<bool>();
        foreach (var frame in frames)
        {
            expected.Add(_clip.Run(one, frame));
            expectedResets.Add(one.LastFrameWasReset);
        }

        var outputs = frames.Select(f => _clip.Keep(new Mat(f.Size(), MatType.CV_8UC3))).ToArray();
        var resets = new bool[frames.Count];
        // The even lane's encoder "finishes" late: the odd lane's next frame must still wait for its blend (its history).
        two.AfterEncoder = n =>
        {
            if (n % 2 == 0)
            {
                Thread.Sleep(60);
            }
        };
        var lanes = Enumerable.Range(0, 2).Select(lane => new Thread(() =>
        {
            for (var n = lane; n < frames.Count; n += 2)
            {
                if (lane == 0)
                {
                    Thread.Sleep(20);
                }

                two.Process(frames[n], outputs[n], n, lane);
                resets[n] = two.LastFrameWasReset;
            }
        })).ToList();
        lanes.ForEach(t => t.Start());
        lanes.ForEach(t => t.Join());

        Assert.Equal([true, false, false, false, false, true, false, false, false], expectedResets);
        for (var n = 0; n < frames.Count; n++)
        {
            Assert.Equal(0, TestFrames.MeanAbsDiff(outputs[n], expected[n]));
        }
    }

    [Fact]
    public void ALaneWaitingForItsTurnIsReleasedByAbort()
    {
        var frames = _clip.Read("help.mkv", 2);
        using var single = StyleSession.Load(StyleLibrary.FromPath(TestPaths.SharedModel("candy.onnx")), ExecutionDevice.Cpu, intraOpThreads: 1);
        using var two = FeatureFlowStylizer.TryCreate(single, Width, Height, 160, out _, lanes: 2)!;
        using var output = new Mat(frames[1].Size(), MatType.CV_8UC3);
        Exception? fault = null;
        // Frame 1 waits for frame 0's flow, which never comes (its lane "failed"): Abort ends the wait.
        var waiting = new Thread(() => fault = Record.Exception(() => two.Process(frames[1], output, 1, 1)));
        waiting.Start();
        Assert.False(waiting.Join(300));
        two.Abort();
        Assert.True(waiting.Join(TimeSpan.FromSeconds(30)));
        Assert.IsType<OperationCanceledException>(fault);
    }

    [Fact]
    public void HistoryResetsAtACut_TheFrameAfterItMatchesAFreshRun()
    {
        var help = _clip.Read("help.mkv", 58).TakeLast(6).ToList();
        var walk = _clip.Read("walk.mkv", 2);
        using var plain = new OnnxStylizer(_candy, Width, Height, 160);
        using var carried = FeatureFlowStylizer.TryCreate(_candy, Width, Height, 160, out _)!;
        var resets = new List<bool>();
        var outputs = new List<Mat>();
        foreach (var frame in help.Concat(walk))
        {
            outputs.Add(_clip.Run(carried, frame));
            resets.Add(carried.LastFrameWasReset);
        }

        Assert.Equal([true, false, false, false, false, false, true, false], resets);
        var perFrame = _clip.Run(plain, help[^1]);
        Assert.True(TestFrames.MeanAbsDiff(outputs[5], perFrame) > 0.5, "before the cut the history is at work");
        var fresh = _clip.Run(plain, walk[0]);
        Assert.True(TestFrames.MeanAbsDiff(outputs[6], fresh) < 0.05, $"after the cut: {TestFrames.MeanAbsDiff(outputs[6], fresh)}");
    }

    [Fact]
    public void StatsAndFeatures_TheDecodersStatisticsAreCarried_AndStartAfreshAtACut()
    {
        var help = _clip.Read("help.mkv", 58).TakeLast(6).ToList();
        var walk = _clip.Read("walk.mkv", 2);
        using var plain = new OnnxStylizer(_candy, Width, Height, 160);
        using var features = FeatureFlowStylizer.TryCreate(_candy, Width, Height, 160, out _)!;
        // Weight 1: the first frame's decoder statistics held until the cut, so that their effect is plain to see.
        using var both = FeatureFlowStylizer.TryCreate(_candy, Width, Height, 160, out _, statisticsKeep: 1f, lanes: 2)!;
        Assert.True(both.SmoothsStatistics);
        Assert.False(features.SmoothsStatistics);
        Assert.Equal(1, both.Lanes);

        var differences = new List<double>();
        var resets = new List<bool>();
        Mat? afterCut = null;
        foreach (var frame in help.Concat(walk))
        {
            using var a = _clip.Run(features, frame);
            var b = _clip.Run(both, frame);
            differences.Add(TestFrames.MeanAbsDiff(a, b));
            resets.Add(both.LastFrameWasReset);
            if (differences.Count == 7)
            {
                afterCut = b;
            }
            else
            {
                b.Dispose();
            }
        }

        Assert.Equal([true, false, false, false, false, false, true, false], resets);
        // A fresh frame: its own statistics, the whole network (to the rewrite's rounding: BatchNormalization with the
        // measured statistics in place of InstanceNormalization).
        Assert.True(differences[0] < 0.01, $"first frame: {differences[0]}");
        Assert.True(differences[5] > 0.05, $"the held statistics change the frames before the cut: {string.Join(", ", differences)}");
        using var fresh = _clip.Run(plain, walk[0]);
        Assert.True(TestFrames.MeanAbsDiff(afterCut!, fresh) < 0.05, $"after the cut: {TestFrames.MeanAbsDiff(afterCut!, fresh)}");
        afterCut!.Dispose();
    }

    [Fact]
    public async Task CliRunsStatsAndFeatures_APictureStyleCarriesTheFeaturesOnly()
    {
        using var temp = new TempFolder();
        var candy = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(temp.Path, "candy.mp4"),
            "--style", TestPaths.SharedModel("candy.onnx"), "--temporal-mode", "stats+features", "--frames", "3", "--size", "120");
        Assert.True(candy.ExitCode == 0, candy.ToString());
        Assert.DoesNotContain("notice: style", candy.StdErr);
        Assert.Equal(3, TestFrames.Read(Path.Combine(temp.Path, "candy.mp4")).Count);

        var picture = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(temp.Path, "picture.mp4"),
            "--style", "starry-night", "--temporal-mode", "stats+features", "--frames", "3", "--size", "120");
        Assert.True(picture.ExitCode == 0, picture.ToString());
        Assert.Contains("not smoothed over time; only the features are carried", picture.StdErr);
    }

    [Fact]
    public async Task CliRunsFeatures_AndFallsBackWithANotice()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        try
        {
            var output = Path.Combine(folder, "out.mp4");
            var good = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", output, "--style", TestPaths.SharedModel("candy.onnx"),
                "--temporal-mode", "features", "--frames", "3", "--size", "120");
            Assert.True(good.ExitCode == 0, good.ToString());
            Assert.DoesNotContain("bottleneck", good.StdErr);
            Assert.Equal(3, TestFrames.Read(output).Count);

            var toon = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(folder, "toon.mp4"),
                "--style", "toon", "--temporal-mode", "features", "--frames", "2", "--size", "120");
            Assert.True(toon.ExitCode == 0, toon.ToString());
            Assert.Contains("no bottleneck", toon.StdErr);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
