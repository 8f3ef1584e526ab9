using System.Text.Json;
using OpenCvSharp;
using VideoStyler.Models.Onnx;
using VideoStyler.Quality;
using VideoStyler.Styles;
using VideoStyler.Stylize;
using VideoStyler.Stylize.Arbitrary;
using VideoStyler.Tests.Support;
using Xunit.Abstractions;

namespace VideoStyler.Tests.Stylize;

/// <summary>
/// The Magenta transformer fine-tuned for video (models/magenta/style_transfer_video.onnx, made by
/// tools/stabilize/train.py) against the transformer it was tuned from, on a clip and styles it was not trained on
/// (help.mkv; starry-night and great-wave were held out of training), with the real networks.
/// </summary>
public sealed class VideoTransformerTests : IDisposable
{
    private const int Width = 320;
    private const int Height = 240;
    private const int Size = 240;
    private readonly StyleSession _still = StyleSession.Load(MagentaModels.Transformer(video: false), ExecutionDevice.Cpu);
    private readonly StyleSession _video = StyleSession.Load(MagentaModels.Transformer(video: true), ExecutionDevice.Cpu);
    private readonly SmallClip _clip = new(Width, Height);
    private readonly ITestOutputHelper _output;

    public VideoTransformerTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        _clip.Dispose();
        _video.Dispose();
        _still.Dispose();
    }

    [Fact]
    public void TheVideoTransformerIsTheSameGraph_WithTunedWeights()
    {
        Assert.Equal(MagentaModels.VideoTransformerName, _video.Name);
        var still = _still.ParseModel()!.Graph;
        var video = _video.ParseModel()!.Graph;
        Assert.Equal(still.Node.Select(n => (n.OpType, string.Join(',', n.Input), string.Join(',', n.Output))), video.Node.Select(n => (n.OpType, string.Join(',', n.Input), string.Join(',', n.Output))));
        Assert.Equal(still.Input.Select(i => i.Name), video.Input.Select(i => i.Name), StringComparer.Ordinal);
        Assert.Equal(still.Output.Select(o => o.Name), video.Output.Select(o => o.Name), StringComparer.Ordinal);
        Assert.Equal(still.Initializer.Select(t => (t.Name, string.Join('x', t.Dims))), video.Initializer.Select(t => (t.Name, string.Join('x', t.Dims))));

        // Tuned, not replaced: weights moved, by a small part of their size.
        double change = 0, size = 0;
        var changed = 0;
        var floats = 0;
        foreach (var (a, b) in still.Initializer.Zip(video.Initializer))
        {
            if (OnnxProtoAccess.ReadFloats(a) is not { } x || OnnxProtoAccess.ReadFloats(b) is not { } y)
            {
                continue;
            }

            floats++;
            var moved = x.Zip(y).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second));
            changed += moved > 0 ? 1 : 0;
            change += moved;
            size += x.Sum(v => (double)v * v);
        }

        var relative = Math.Sqrt(change / size);
        _output.WriteLine($"{changed} of {floats} float initializers changed; relative change of the weights {relative:0.0000}");
        Assert.True(changed > floats / 2, $"{changed} of {floats} changed");
        Assert.InRange(relative, 1e-4, 0.2);
    }

    [Theory]
    [InlineData("starry-night")]
    [InlineData("great-wave")]
    public void OnAStillCamerasNextFrame_TheVideoTransformerChangesLess_AndKeepsTheStyle(string style)
    {
        var vector = StyleCatalog.Embedded().First(e => string.Equals(e.Name, style, StringComparison.Ordinal)).Vector!;
        _still.SetStyleVector(vector);
        _video.SetStyleVector(vector);
        using var still = new OnnxStylizer(_still, Width, Height, Size);
        using var video = new OnnxStylizer(_video, Width, Height, Size);
        using var network = FeatureNetwork.Load(intraOpThreads: 2);
        using var kept = new StyleComparison(network, null);

        // help.mkv is a webcam: between consecutive frames most pixels hold still, and what changes there is
        // the camera's and the codec's noise. Where the input changed by under 4 levels, compare how much
        // each network's output changed.
        var frames = _clip.Read("help.mkv", 7);
        double stillChange = 0, videoChange = 0;
        long pixels = 0;
        Mat? previousStill = null, previousVideo = null;
        for (var i = 0; i < frames.Count; i++)
        {
            var s = _clip.Run(still, frames[i]);
            var v = _clip.Run(video, frames[i]);
            kept.Add(frames[i], v, s);
            if (previousStill is not null)
            {
                using var mask = StillPixels(frames[i - 1], frames[i]);
                pixels += Cv2.CountNonZero(mask);
                stillChange += SquaredChange(previousStill, s, mask);
                videoChange += SquaredChange(previousVideo!, v, mask);
            }

            previousStill = s;
            previousVideo = v;
        }

        var ratio = videoChange / stillChange;
        _output.WriteLine($"{style}: {pixels} still pixels; output change there {videoChange / pixels:0.0} vs {stillChange / pixels:0.0} (squared levels), ratio {ratio:0.000}; "
            + $"gram retention of the video transformer's frames against the stills' {kept.GramRetention:0.000}, content ratio {kept.ContentRatio:0.000}");
        Assert.True(pixels > frames.Count * Width * Height / 4, $"only {pixels} still pixels");
        Assert.True(ratio < 0.9, $"the video transformer's output changed {ratio:0.000} times as much as the stills' on still pixels");
        Assert.True(kept.GramRetention >= 0.9, $"gram retention {kept.GramRetention:0.000}");
        Assert.InRange(kept.ContentRatio!.Value, 0.85, 1.1);
    }

    [Fact]
    public async Task Stylize_RunsTheVideoTransformerWithTheTemporalStage_AndTheStillsOneOtherwise()
    {
        using var temp = new TempFolder();
        var input = TestPaths.SharedData("help.mkv");
        var image = Path.Combine(temp.Path, "frame.png");
        using (var frame = TestFrames.Read(input, 1)[0])
        {
            Cv2.ImWrite(image, frame);
        }

        async Task<string> Network(string source, string name, params string[] extra)
        {
            var stats = Path.Combine(temp.Path, name + ".json");
            var run = await Support.Cli.RunAsync(["stylize", source, "-o", Path.Combine(temp.Path, name), "--size", "120", "--frames", "3", "--stats", stats, .. extra]);
            Assert.True(run.ExitCode == 0, run.ToString());
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(stats));
            return json.RootElement.GetProperty("network").GetString()!;
        }

        Assert.Equal(MagentaModels.VideoTransformerName, await Network(input, "default.mp4"));
        Assert.Equal(MagentaModels.VideoTransformerName, await Network(input, "pixel.mp4", "--style", "great-wave", "--temporal-mode", "pixel"));
        Assert.Equal(MagentaModels.TransformerName, await Network(input, "per-frame.mp4", "--per-frame-network"));
        Assert.Equal(MagentaModels.TransformerName, await Network(input, "no-temporal.mp4", "--no-temporal"));
        Assert.Equal(MagentaModels.TransformerName, await Network(image, "still.png"));
        Assert.Equal("candy", await Network(input, "candy.mp4", "--style", TestPaths.SharedModel("candy.onnx")));
    }

    private static Mat StillPixels(Mat a, Mat b)
    {
        using var difference = new Mat();
        Cv2.Absdiff(a, b, difference);
        var channels = difference.Split();
        using var largest = new Mat();
        Cv2.Max(channels[0], channels[1], largest);
        Cv2.Max(largest, channels[2], largest);
        foreach (var channel in channels)
        {
            channel.Dispose();
        }

        Cv2.Blur(largest, largest, new Size(5, 5));
        var mask = new Mat();
        Cv2.Threshold(largest, mask, 3.5, 255, ThresholdTypes.BinaryInv);
        return mask;
    }

    private static double SquaredChange(Mat a, Mat b, Mat mask)
    {
        using var af = new Mat();
        using var bf = new Mat();
        a.ConvertTo(af, MatType.CV_32FC3);
        b.ConvertTo(bf, MatType.CV_32FC3);
        using var difference = new Mat();
        Cv2.Subtract(af, bf, difference);
        Cv2.Multiply(difference, difference, difference);
        using var moved = new Mat();
        Cv2.BitwiseNot(mask, moved);
        difference.SetTo(Scalar.All(0), moved);
        var sum = Cv2.Sum(difference);
        return sum.Val0 + sum.Val1 + sum.Val2;
    }
}
