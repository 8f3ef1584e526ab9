using OpenCvSharp;
using VideoStyler.Models;
using VideoStyler.Models.Onnx;
using VideoStyler.Models.Onnx.Proto;
using VideoStyler.Stylize;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Stylize;

/// <summary>
/// Instance-norm statistics carried over time, with the real candy network on the shared webcam clips
/// (frames at 320x240, processing size 160, to stay fast).
/// </summary>
public sealed class SmoothedNormStylizerTests : IDisposable
{
    private const int Width = 320;
    private const int Height = 240;
    private const int Processing = 160;
    private readonly StyleSession _candy = StyleSession.Load(StyleLibrary.FromPath(TestPaths.SharedModel("candy.onnx")), ExecutionDevice.Cpu);
    private readonly SmallClip _clip = new(Width, Height);

    public void Dispose()
    {
        _clip.Dispose();
        _candy.Dispose();
    }

    [Fact]
    public void RewriteSmoothsEveryInstanceNorm()
    {
        var model = _candy.ParseModel()!;
        var smoothing = InstanceNormSmoother.TryRewrite(model)!;
        var norms = model.Graph.Node.Count(n => n.OpType == "InstanceNormalization");
        Assert.True(norms > 5);
        Assert.Equal(norms, smoothing.Layers.Count);
        Assert.DoesNotContain(smoothing.Model.Graph.Node, n => n.OpType == "InstanceNormalization");
        Assert.Contains(smoothing.Model.Graph.Input, i => i.Name == smoothing.KeepInput);
        Assert.Equal(1 + (2 * norms), smoothing.Model.Graph.Output.Count);
        Assert.Null(InstanceNormSmoother.TryRewrite(new OnnxGraphBuilder().Opset(13)
            .Input("x", TensorProto.Types.DataType.Float, 1, 3, 8, 8)
            .Node("Relu", ["x"], ["y"])
            .Output("y", TensorProto.Types.DataType.Float, 1, 3, 8, 8)
            .Build()));
    }

    [Fact]
    public void FirstFrameEqualsTheNetwork_AStaticClipStaysStatic()
    {
        var frame = _clip.Read("help.mkv", 1)[0];
        using var plain = new OnnxStylizer(_candy, Width, Height, Processing);
        var expected = _clip.Keep(new Mat(Height, Width, MatType.CV_8UC3));
        plain.Process(frame, expected);

        using var smoothed = SmoothedNormStylizer.TryCreate(_candy, Width, Height, Processing)!;
        var outputs = Enumerable.Range(0, 4).Select(_ => _clip.Run(smoothed, frame)).ToList();
        Assert.True(TestFrames.MeanAbsDiff(outputs[0], expected) < 0.05, $"first frame vs the network: {TestFrames.MeanAbsDiff(outputs[0], expected)}");
        for (var i = 1; i < outputs.Count; i++)
        {
            Assert.False(smoothed.LastFrameWasReset && i == outputs.Count - 1, "a repeated frame is no scene cut");
            Assert.True(TestFrames.MeanAbsDiff(outputs[i], outputs[0]) < 0.05, $"frame {i} of a static clip moved by {TestFrames.MeanAbsDiff(outputs[i], outputs[0])}");
        }
    }

    [Fact]
    public void SmoothingResetsAtACut_TheFrameAfterItMatchesAFreshRun()
    {
        var help = _clip.Read("help.mkv", 58).TakeLast(8).ToList();
        var walk = _clip.Read("walk.mkv", 2);
        using var plain = new OnnxStylizer(_candy, Width, Height, Processing);
        using var smoothed = SmoothedNormStylizer.TryCreate(_candy, Width, Height, Processing)!;
        var resets = new List<bool>();
        var smoothedOutputs = new List<Mat>();
        foreach (var frame in help.Concat(walk))
        {
            smoothedOutputs.Add(_clip.Run(smoothed, frame));
            resets.Add(smoothed.LastFrameWasReset);
        }

        Assert.Equal([true, false, false, false, false, false, false, false, true, false], resets);

        // Before the cut the smoothing is at work: the output is not the per-frame one.
        var perFrameLastHelp = _clip.Run(plain, help[^1]);
        Assert.True(TestFrames.MeanAbsDiff(smoothedOutputs[7], perFrameLastHelp) > 0.5,
            $"smoothed vs per-frame before the cut: {TestFrames.MeanAbsDiff(smoothedOutputs[7], perFrameLastHelp)}");

        // The frame after the cut is a fresh start: the network's own output for that frame.
        var fresh = _clip.Run(plain, walk[0]);
        Assert.True(TestFrames.MeanAbsDiff(smoothedOutputs[8], fresh) < 0.05, $"after the cut: {TestFrames.MeanAbsDiff(smoothedOutputs[8], fresh)}");
    }

    [Fact]
    public async Task CliRejectsAnUnknownMode_AndRunsStats()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        try
        {
            var output = Path.Combine(folder, "out.mp4");
            var bad = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", output, "--temporal-mode", "blur");
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains("--temporal-mode", bad.StdErr);
            Assert.False(File.Exists(output));

            var good = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", output, "--style", TestPaths.SharedModel("candy.onnx"),
                "--temporal-mode", "stats", "--frames", "3", "--size", "120");
            Assert.True(good.ExitCode == 0, good.ToString());
            Assert.Equal(3, TestFrames.Read(output).Count);

            // A style without instance norms says so and falls back to the pixel stage.
            var toon = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(folder, "toon.mp4"),
                "--style", "toon", "--temporal-mode", "stats", "--frames", "2", "--size", "120");
            Assert.True(toon.ExitCode == 0, toon.ToString());
            Assert.Contains("no instance norms", toon.StdErr);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
