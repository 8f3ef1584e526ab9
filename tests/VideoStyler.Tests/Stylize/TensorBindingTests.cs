using OpenCvSharp;
using VideoStyler.Models;
using VideoStyler.Stylize;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Stylize;

/// <summary>
/// The binding logic device providers use (<see cref="TensorBindingMode.Rebind"/>: two staging inputs,
/// the one just filled bound again before every run), run here with the CPU provider. Each frame must
/// come out exactly as the CPU's zero-copy binding makes it. With a bind-once pattern the second frame
/// would be stylized from a stale buffer (on CUDA: from the first frame, which was copied to the
/// device when it was bound), and these tests fail.
/// </summary>
public class TensorBindingTests
{
    private static List<Mat> ThreeDifferentFrames(int width, int height)
    {
        var read = TestFrames.Read(TestPaths.SharedData("help.mkv"), 1);
        var first = new Mat();
        Cv2.Resize(read[0], first, new Size(width, height), 0, 0, InterpolationFlags.Area);
        read.ForEach(f => f.Dispose());
        return [first, TestFrames.Invert(first), first.Clone()];
    }

    private static List<Mat> Run(IStylizer stylizer, IEnumerable<Mat> frames) =>
        [.. frames.Select(f =>
        {
            var output = new Mat(f.Rows, f.Cols, MatType.CV_8UC3);
            stylizer.Process(f, output);
            return output;
        })];

    private static double MaxDiff(Mat a, Mat b)
    {
        using var diff = new Mat();
        Cv2.Absdiff(a, b, diff);
        using var flat = diff.Reshape(1);
        flat.MinMaxLoc(out double _, out double max);
        return max;
    }

    [Fact]
    public void Rebinding_on_the_cpu_gives_each_frame_its_own_output_identical_to_zero_copy()
    {
        using var style = StyleSession.Load(StyleLibrary.Embedded("toon")!, ExecutionDevice.Cpu);
        var frames = ThreeDifferentFrames(160, 96);
        using var rebind = new OnnxStylizer(style, 160, 96, 96, binding: TensorBindingMode.Rebind);
        using var zeroCopy = new OnnxStylizer(style, 160, 96, 96);
        Assert.Equal(TensorBindingMode.Rebind, rebind.BindingMode);
        Assert.Equal(TensorBindingMode.ZeroCopy, zeroCopy.BindingMode); // what the CPU provider gets by default

        var got = Run(rebind, frames);
        var expected = Run(zeroCopy, frames);

        Assert.True(TestFrames.MeanAbsDiff(expected[0], expected[1]) > 20, "the two frames stylize differently");
        for (var i = 0; i < frames.Count; i++)
        {
            Assert.True(MaxDiff(expected[i], got[i]) == 0, $"frame {i}: rebinding output differs from zero-copy by up to {MaxDiff(expected[i], got[i])}");
        }

        Assert.True(TestFrames.MeanAbsDiff(got[0], got[1]) > 20, "a different frame gives a different output");
        foreach (var mat in frames.Concat(got).Concat(expected))
        {
            mat.Dispose();
        }
    }

    [Fact]
    public void Rebinding_tiles_with_shared_instance_norm_matches_zero_copy_frame_by_frame()
    {
        // candy has instance norms: the tiles run the statistics and normalized models, whose tile input and
        // pooled statistics are rebound before every run.
        using var style = StyleSession.Load(StyleLibrary.FromPath(TestPaths.SharedModel("candy.onnx")), ExecutionDevice.Cpu);
        var frames = ThreeDifferentFrames(192, 128);
        using var rebind = new TiledStylizer(style, 192, 128, 128, 128, binding: TensorBindingMode.Rebind);
        using var zeroCopy = new TiledStylizer(style, 192, 128, 128, 128);
        Assert.NotNull(rebind.SharedNorm);
        Assert.True(rebind.Columns > 1, "the frame is tiled");

        var got = Run(rebind, frames);
        var expected = Run(zeroCopy, frames);

        for (var i = 0; i < frames.Count; i++)
        {
            Assert.True(MaxDiff(expected[i], got[i]) == 0, $"frame {i}: rebinding output differs from zero-copy by up to {MaxDiff(expected[i], got[i])}");
        }

        Assert.True(TestFrames.MeanAbsDiff(got[0], got[1]) > 20, "a different frame gives a different output");
        foreach (var mat in frames.Concat(got).Concat(expected))
        {
            mat.Dispose();
        }
    }
}
