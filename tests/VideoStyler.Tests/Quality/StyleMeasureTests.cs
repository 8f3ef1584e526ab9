using System.Text.Json;
using OpenCvSharp;
using VideoStyler.Models.Onnx;
using VideoStyler.Models.Onnx.Proto;
using VideoStyler.Quality;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Quality;

/// <summary>
/// Content and style measures on the real ResNet18 (restored from NuGet): what Gram matrices must and must
/// not notice. R is a painting (the "per-frame stylization"), I a photo (the "input").
/// </summary>
public sealed class StyleMeasureTests : IClassFixture<StyleMeasureTests.Network>, IDisposable
{
    private readonly FeatureNetwork _network;
    private readonly Mat _input;
    private readonly Mat _painting;   // 400 x 300: an 80 x 60 patch of a painting repeated, a stationary texture
    private readonly Mat _reference;  // its top-left 320 x 240

    public StyleMeasureTests(Network fixture)
    {
        _network = fixture.Value;
        using var photo = Cv2.ImRead(Path.Combine(TestPaths.Shared, "photos", "forest-stream.jpg"));
        _input = photo.Resize(new Size(320, 240), 0, 0, InterpolationFlags.Area);
        using var painting = Cv2.ImRead(Path.Combine(TestPaths.Shared, "styles", "vangogh-starry-night.jpg"));
        using var small = painting.Resize(new Size(320, 240), 0, 0, InterpolationFlags.Area);
        using var patch = small[new Rect(120, 60, 80, 60)];
        _painting = new Mat();
        Cv2.Repeat(patch, 5, 5, _painting);
        _reference = _painting[new Rect(0, 0, 320, 240)].Clone();
    }

    public void Dispose()
    {
        _input.Dispose();
        _painting.Dispose();
        _reference.Dispose();
    }

    [Fact]
    public void MeanComesFromThePackagesMeanImage()
    {
        Assert.Equal(103.06, _network.Mean[0], 0.01);
        Assert.Equal(115.90, _network.Mean[1], 0.01);
        Assert.Equal(123.15, _network.Mean[2], 0.01);
    }

    [Fact]
    public void FeaturesHaveTheLayersChannelsAndStrides_AtAFreeSize()
    {
        Assert.Equal((288, 224), FeatureNetwork.ProcessingSize(640, 480));
        using var features = _network.Extract(_input); // 320x240 -> 299x224 -> 288x224
        Assert.Equal(FeatureNetwork.Layers.Count, features.LayerCount);
        for (var i = 0; i < features.LayerCount; i++)
        {
            var layer = FeatureNetwork.Layers[i];
            Assert.Equal(layer.Channels, features.Map(i).Rows);
            Assert.Equal((288 / layer.Stride) * (224 / layer.Stride), features.Map(i).Cols);
            Assert.Equal(new Size(layer.Channels, layer.Channels), features.Gram(i).Size());
        }
    }

    [Fact]
    public void IdenticalPictures_GiveZeroLosses_AndFullRetention()
    {
        using var same = new StyleComparison(_network, _input);
        same.Add(_input, _input, null);
        Assert.Equal(0, same.ContentLoss);
        Assert.Equal(0, same.StyleLoss!.Value);

        using var kept = new StyleComparison(_network, null);
        kept.Add(_input, _reference, _reference);
        Assert.Equal(1, kept.GramRetention!.Value);
        Assert.Equal(1, kept.ContentRatio!.Value);
        Assert.True(kept.ContentLoss > 0);
    }

    [Fact]
    public void BlurredOutputLosesGramRetention_AShiftedCopyKeepsIt()
    {
        using var blurred = new Mat();
        Cv2.GaussianBlur(_reference, blurred, new Size(0, 0), 2.0);
        // Not a multiple of any stride of the network: the features are computed at other positions.
        using var shifted = _painting[new Rect(37, 23, 320, 240)].Clone();

        var blur = Measure(blurred);
        var shift = Measure(shifted);

        // The shifted copy differs from R at almost every pixel (mean |O-R| is large) yet keeps its texture.
        Assert.True(TestFrames.MeanAbsDiff(shifted, _reference) > TestFrames.MeanAbsDiff(blurred, _reference),
            "the shift should move the pixels more than the blur does");
        Assert.True(shift.Retention > 0.9, $"shifted copy: gram retention {shift.Retention} (blurred {blur.Retention})");
        Assert.True(blur.Retention < 0.75, $"blurred copy: gram retention {blur.Retention}");
        Assert.True(blur.Retention < shift.Retention - 0.2, $"blur {blur.Retention} vs shift {shift.Retention}");
    }

    [Fact]
    public void NumbersAreStableForAFixedInput()
    {
        var first = Measure(_painting[new Rect(8, 8, 320, 240)]);
        var second = Measure(_painting[new Rect(8, 8, 320, 240)]);
        Assert.Equal(first.Retention, second.Retention, 9);
        Assert.Equal(first.Ratio, second.Ratio, 9);
    }

    [Fact]
    public void RewriterRefusesAMissingLayer()
    {
        var model = new OnnxGraphBuilder().Opset(13)
            .Input("x", TensorProto.Types.DataType.Float, 1, 3, 8, 8)
            .Node("Relu", ["x"], ["y"])
            .Output("y", TensorProto.Types.DataType.Float, 1, 3, 8, 8)
            .Build();
        Assert.Null(FeatureTapRewriter.TryRewrite(model, ["nope"], out _, out var error));
        Assert.Contains("nope", error);
    }

    [Fact]
    public async Task EvalStyleCli_PrintsTheMeasures_AndRejectsAMissingContent()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        try
        {
            var input = Path.Combine(folder, "in.png");
            var output = Path.Combine(folder, "out.png");
            using var blurred = new Mat();
            Cv2.GaussianBlur(_reference, blurred, new Size(0, 0), 2.0);
            Cv2.ImWrite(input, _input);
            Cv2.ImWrite(output, blurred);
            var reference = Path.Combine(folder, "ref.png");
            Cv2.ImWrite(reference, _reference);

            var result = await Support.Cli.RunAsync("eval", "style", output, "--content", input, "--ref", reference,
                "--style-image", Path.Combine(TestPaths.Shared, "styles", "vangogh-starry-night.jpg"));
            Assert.True(result.ExitCode == 0, result.StdErr);
            using var json = JsonDocument.Parse(result.StdOut);
            var root = json.RootElement;
            Assert.Equal(1, root.GetProperty("frames_sampled").GetInt32());
            Assert.True(root.GetProperty("content_loss").GetDouble() > 0);
            Assert.True(root.GetProperty("style_loss").GetDouble() > 0);
            Assert.InRange(root.GetProperty("gram_retention").GetDouble(), -1, 0.9);
            Assert.Equal(5, root.GetProperty("layer_gram_retention").EnumerateObject().Count());

            var usage = await Support.Cli.RunAsync("eval", "style", output);
            Assert.Equal(2, usage.ExitCode);
            var missing = await Support.Cli.RunAsync("eval", "style", output, "--content", Path.Combine(folder, "none.png"));
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("does not exist", missing.StdErr);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private (double Retention, double Ratio) Measure(Mat output)
    {
        using var comparison = new StyleComparison(_network, null);
        comparison.Add(_input, output, _reference);
        return (comparison.GramRetention!.Value, comparison.ContentRatio!.Value);
    }

    /// <summary>One loaded network for the whole class (loading takes about a second).</summary>
    public sealed class Network : IDisposable
    {
        internal FeatureNetwork Value { get; } = FeatureNetwork.Load(intraOpThreads: 2);

        public void Dispose() => Value.Dispose();
    }
}
