using VideoStyler.Models.Onnx;
using VideoStyler.Styles;
using VideoStyler.Stylize;
using VideoStyler.Stylize.Arbitrary;
using VideoStyler.Tests.Support;
using Xunit.Abstractions;

namespace VideoStyler.Tests.Stylize;

/// <summary>
/// Bottleneck features carried along the flow for the Magenta arbitrary-style transformer (the picture styles): its
/// style vector feeds the conditional instance norms on both sides of the cut, so both parts take it as an input.
/// The real imported transformer with the shipped starry-night vector, on the shared webcam clips at 320x240,
/// processing size 160.
/// </summary>
public sealed class FeatureFlowStylizerMagentaTests : IDisposable
{
    private const int Width = 320;
    private const int Height = 240;
    private const int Size = 160;
    private readonly StyleSession _transformer = StyleSession.Load(MagentaModels.Transformer(), ExecutionDevice.Cpu);
    private readonly SmallClip _clip = new(Width, Height);
    private readonly ITestOutputHelper _output;

    public FeatureFlowStylizerMagentaTests(ITestOutputHelper output)
    {
        _output = output;
        _transformer.SetStyleVector(Vector("starry-night"));
    }

    public void Dispose()
    {
        _clip.Dispose();
        _transformer.Dispose();
    }

    private static float[] Vector(string name) =>
        StyleCatalog.Embedded().First(e => string.Equals(e.Name, name, StringComparison.Ordinal)).Vector!;

    [Fact]
    public void CutIsFound_TheStyleVectorIsAnInputOfBothParts()
    {
        var split = BottleneckSplitter.TrySplit(_transformer.ParseModel()!, out var reason, _transformer.Convention.InputName)!;
        Assert.Null(reason);
        var vector = _transformer.StyleVectorInputName!;
        var encoderInputs = split.Encoder.Graph.Input.Select(i => i.Name).ToList();
        var decoderInputs = split.Decoder.Graph.Input.Select(i => i.Name).ToList();
        _output.WriteLine($"cut after {split.CutAfter} at '{split.Features}'; encoder {split.Encoder.Graph.Node.Count} nodes, inputs {string.Join(", ", encoderInputs)}; "
            + $"decoder {split.Decoder.Graph.Node.Count} nodes, inputs {string.Join(", ", decoderInputs)}");
        Assert.Equal([_transformer.Convention.InputName, vector], encoderInputs.Order(StringComparer.Ordinal), StringComparer.Ordinal);
        Assert.Equal([split.Features, vector], decoderInputs.Order(StringComparer.Ordinal), StringComparer.Ordinal);
        Assert.Contains(split.Decoder.Graph.Node, n => n.OpType == "Resize");
        Assert.DoesNotContain(split.Encoder.Graph.Node, n => n.OpType == "Resize");

        // The later cut: the first upsampling block's output (its three Resize ops: x2, x2 and a last x1).
        var later = BottleneckSplitter.TrySplit(_transformer.ParseModel()!, out reason, _transformer.Convention.InputName, FeatureCut.AfterFirstUpsampling)!;
        Assert.Null(reason);
        _output.WriteLine($"later cut after {later.CutAfter} at '{later.Features}'");
        Assert.Single(later.Encoder.Graph.Node, n => n.OpType == "Resize");
        Assert.Equal(2, later.Decoder.Graph.Node.Count(n => n.OpType == "Resize"));

        // Without naming the picture input, a two-input graph is not cut.
        Assert.Null(BottleneckSplitter.TrySplit(_transformer.ParseModel()!, out var unnamed));
        Assert.NotNull(unnamed);
    }

    [Fact]
    public void EncoderThenDecoderEqualTheWholeNetwork_AStaticClipStaysStatic()
    {
        var frame = _clip.Read("help.mkv", 1)[0];
        using var plain = new OnnxStylizer(_transformer, Width, Height, Size);
        var expected = _clip.Run(plain, frame);
        using var carried = FeatureFlowStylizer.TryCreate(_transformer, Width, Height, Size, out var reason)!;
        Assert.Null(reason);
        _output.WriteLine($"features {carried.Features}: {carried.FeatureShape}");
        Assert.Equal(54, carried.FeatureShape.Width); // 160 x 213 padded to 160 x 216, a quarter of it
        Assert.Equal(40, carried.FeatureShape.Height);

        var outputs = Enumerable.Range(0, 5).Select(_ => _clip.Run(carried, frame)).ToList();
        Assert.True(TestFrames.MeanAbsDiff(outputs[0], expected) < 0.05, $"encoder + decoder vs the network: {TestFrames.MeanAbsDiff(outputs[0], expected)}");
        Assert.False(carried.LastFrameWasReset);
        for (var i = 1; i < outputs.Count; i++)
        {
            // As for candy: Farneback's hundredths of a pixel on identical frames soften the history a little, no more.
            _output.WriteLine($"frame {i}: {TestFrames.MeanAbsDiff(outputs[i], outputs[0]):0.000}");
            Assert.True(TestFrames.MeanAbsDiff(outputs[i], outputs[0]) < 0.5, $"frame {i} of a static clip moved by {TestFrames.MeanAbsDiff(outputs[i], outputs[0])}");
        }
    }

    [Fact]
    public void ANewStyleVectorReachesBothParts()
    {
        // Bound once at creation (CPU), read in place at each run: a vector set afterwards is the one both parts use.
        var frame = _clip.Read("help.mkv", 1)[0];
        using var carried = FeatureFlowStylizer.TryCreate(_transformer, Width, Height, Size, out _)!;
        var starry = _clip.Run(carried, frame);
        _transformer.SetStyleVector(Vector("great-wave"));
        using var fresh = FeatureFlowStylizer.TryCreate(_transformer, Width, Height, Size, out _)!;
        using var plain = new OnnxStylizer(_transformer, Width, Height, Size);
        var wave = _clip.Run(plain, frame);
        var carriedWave = _clip.Run(fresh, frame);
        Assert.True(TestFrames.MeanAbsDiff(carriedWave, wave) < 0.05, $"a fresh run with the new vector: {TestFrames.MeanAbsDiff(carriedWave, wave)}");
        Assert.True(TestFrames.MeanAbsDiff(starry, wave) > 10, "the two styles look different");
    }

    [Fact]
    public void RebindingAsOnADevice_GivesTheSameFrames()
    {
        // Device providers re-bind the picture, the features and the style vector before every run (forced here on the CPU).
        var frames = _clip.Read("help.mkv", 3);
        using var zeroCopy = FeatureFlowStylizer.TryCreate(_transformer, Width, Height, Size, out _)!;
        using var rebind = FeatureFlowStylizer.TryCreate(_transformer, Width, Height, Size, out _, binding: TensorBindingMode.Rebind)!;
        foreach (var frame in frames)
        {
            var expected = _clip.Run(zeroCopy, frame);
            var actual = _clip.Run(rebind, frame);
            Assert.True(TestFrames.MeanAbsDiff(actual, expected) < 0.01, $"rebind vs zero-copy: {TestFrames.MeanAbsDiff(actual, expected)}");
        }

        // A new vector set between frames reaches both parts in rebind mode too: the next frame changes with it.
        var before = _clip.Run(rebind, frames[^1]);
        _transformer.SetStyleVector(Vector("great-wave"));
        var after = _clip.Run(rebind, frames[^1]);
        Assert.True(TestFrames.MeanAbsDiff(before, after) > 10, $"the new vector changed the frame by {TestFrames.MeanAbsDiff(before, after)}");
    }

    [Fact]
    public void HistoryResetsAtACut_TheFrameAfterItMatchesAFreshRun()
    {
        var help = _clip.Read("help.mkv", 58).TakeLast(6).ToList();
        var walk = _clip.Read("walk.mkv", 2);
        using var plain = new OnnxStylizer(_transformer, Width, Height, Size);
        using var carried = FeatureFlowStylizer.TryCreate(_transformer, Width, Height, Size, out _)!;
        var resets = new List<bool>();
        var outputs = new List<OpenCvSharp.Mat>();
        foreach (var frame in help.Concat(walk))
        {
            outputs.Add(_clip.Run(carried, frame));
            resets.Add(carried.LastFrameWasReset);
        }

        Assert.Equal([true, false, false, false, false, false, true, false], resets);
        var perFrame = _clip.Run(plain, help[^1]);
        _output.WriteLine($"before the cut: {TestFrames.MeanAbsDiff(outputs[5], perFrame):0.00} from the per-frame output");
        Assert.True(TestFrames.MeanAbsDiff(outputs[5], perFrame) > 0.5, "before the cut the history is at work");
        var fresh = _clip.Run(plain, walk[0]);
        Assert.True(TestFrames.MeanAbsDiff(outputs[6], fresh) < 0.05, $"after the cut: {TestFrames.MeanAbsDiff(outputs[6], fresh)}");
    }

    [Fact]
    public async Task CliRunsFeaturesForAPictureStyle_WithoutANotice_StatsFallsBackWithOne()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        var output = Path.Combine(folder, "out.mp4");
        var run = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", output, "--style", "starry-night",
            "--temporal-mode", "features", "--frames", "3", "--size", "96");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("bottleneck", run.StdErr, StringComparison.Ordinal);
        Assert.Equal(3, TestFrames.Read(output).Count);

        // The statistics mode is not wired for picture styles: the pixel stage, said once.
        var stats = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(folder, "stats.mp4"),
            "--style", "starry-night", "--temporal-mode", "stats", "--frames", "2", "--size", "96");
        Assert.True(stats.ExitCode == 0, stats.ToString());
        Assert.Contains("statistics are not smoothed", stats.StdErr, StringComparison.Ordinal);
    }
}
