using VideoStyler.Tests.Support;
using OpenCvSharp;
using VideoStyler.Temporal;

namespace VideoStyler.Tests.Temporal;

public sealed class TemporalBlenderTests : IDisposable
{
    private const int Width = 160;
    private const int Height = 120;
    private readonly FrameKeeper _frames = new();

    public void Dispose() => _frames.Dispose();

    [Fact]
    public void StrengthZero_PassesStylizedFramesThrough()
    {
        var input = _frames.Keep(TestClips.Texture(Width, Height, seed: 1));
        using var blender = new TemporalBlender(Width, Height, new TemporalOptions { Strength = 0 });
        using var output = new Mat(Height, Width, MatType.CV_8UC3);

        for (var t = 0; t < 3; t++)
        {
            var stylized = _frames.Keep(TestClips.Texture(Width, Height, seed: 10 + t));
            blender.Process(input, stylized, output);
            Assert.Equal(0, TestClips.MeanAbsoluteDifference(output, stylized));
        }
    }

    [Fact]
    public void FirstFrame_AndFirstFrameAfterReset_PassThrough()
    {
        var input = _frames.Keep(TestClips.Texture(Width, Height, seed: 2));
        var first = _frames.Keep(TestClips.Texture(Width, Height, seed: 20));
        var second = _frames.Keep(TestClips.Texture(Width, Height, seed: 21));
        using var blender = new TemporalBlender(Width, Height, new TemporalOptions());
        using var output = new Mat(Height, Width, MatType.CV_8UC3);

        blender.Process(input, first, output);
        Assert.Equal(0, TestClips.MeanAbsoluteDifference(output, first));
        blender.Process(input, second, output);
        Assert.NotEqual(0, TestClips.MeanAbsoluteDifference(output, second));

        blender.Reset();
        blender.Process(input, second, output);
        Assert.Equal(0, TestClips.MeanAbsoluteDifference(output, second));
    }

    [Fact]
    public void StaticScene_LargeFlickerIsHeldBack()
    {
        // A still picture whose "stylization" flickers by up to +-60 levels per pixel and frame.
        var input = _frames.Keep(TestClips.Texture(Width, Height, seed: 3));
        var style = _frames.Keep(TestClips.Texture(Width, Height, seed: 30));
        var stylized = _frames.Keep(Enumerable.Range(0, 8).Select(t => WithNoise(style, amplitude: 60, seed: 300 + t)));
        var output = _frames.Keep(BlendWithLookahead(Enumerable.Repeat(input, 8).ToList(), stylized, new TemporalOptions(), out _));
        double outputChange = 0, stylizedChange = 0;

        for (var t = 1; t < 8; t++)
        {
            outputChange += MeanSquaredDifference(output[t], output[t - 1]);
            stylizedChange += MeanSquaredDifference(stylized[t], stylized[t - 1]);
        }

        Assert.True(outputChange < 0.15 * stylizedChange, $"squared change {outputChange:F0} vs per-frame {stylizedChange:F0}");
    }

    [Fact]
    public void StaticScene_ChangesWithinTheTolerancePassUntouched()
    {
        var input = _frames.Keep(TestClips.Texture(Width, Height, seed: 7));
        var style = _frames.Keep(TestClips.Texture(Width, Height, seed: 70));
        var options = new TemporalOptions();
        using var blender = new TemporalBlender(Width, Height, options);
        using var output = new Mat(Height, Width, MatType.CV_8UC3);

        for (var t = 0; t < 6; t++)
        {
            var stylized = _frames.Keep(new Mat());
            Cv2.Add(style, Scalar.All(t % 2 == 0 ? 0 : options.Tolerance / 2), stylized);
            blender.Process(input, stylized, output);
            Assert.Equal(0, TestClips.MeanAbsoluteDifference(output, stylized));
        }
    }

    [Fact]
    public void MovingScene_HistoryFollowsTheMotion()
    {
        // The scene moves 3 px right per frame; its "stylization" is the inverted picture plus strong per-frame
        // noise. If the history were warped the wrong way or smeared, the output would drift away from the
        // clean stylization; following the motion it gets closer to it than the noisy per-frame frames are.
        var scene = _frames.Keep(TestClips.Texture(Width + 40, Height, seed: 4));
        var input = _frames.Keep(Enumerable.Range(0, 10).Select(t => TestClips.Crop(scene, 30 - 3 * t, 0, Width, Height)));
        var clean = _frames.Keep(input.Select(TestFrames.Invert));
        var stylized = _frames.Keep(clean.Select((frame, t) => WithNoise(frame, amplitude: 50, seed: 400 + t)));
        var interior = new Rect(24, 8, Width - 48, Height - 16);

        var output = _frames.Keep(BlendWithLookahead(input, stylized, new TemporalOptions(), out var cuts));

        Assert.Empty(cuts);
        double outputError = 0, perFrameError = 0;
        for (var t = 3; t < 10; t++)
        {
            outputError += TestClips.MeanAbsoluteDifference(output[t][interior], clean[t][interior]);
            perFrameError += TestClips.MeanAbsoluteDifference(stylized[t][interior], clean[t][interior]);
        }

        Assert.True(outputError < 0.8 * perFrameError, $"output {outputError:F1} vs per-frame {perFrameError:F1}");
    }

    [Fact]
    public void Lookahead_LastingChangeIsFollowedFast_PassingOneIsHeld()
    {
        // A still scene whose stylization brightens by 36 levels from frame 3 on (a lasting change) or only on
        // frame 3 (a flicker). Where the next frame confirms the change the output may move by both limits,
        // otherwise only by the small one; the flicker is undone on the next frame.
        const int delta = 36;
        var options = new TemporalOptions();
        var small = options.Tolerance / options.Strength;
        var both = small + (options.ConfirmedTolerance / options.Strength);
        var input = Enumerable.Repeat(_frames.Keep(TestClips.Texture(Width, Height, seed: 8)), 6).ToList();
        var style = _frames.Keep(TestClips.Texture(Width, Height, seed: 80));
        var brighter = _frames.Keep(TestFrames.Brighten(style, delta));
        var lasting = Enumerable.Range(0, 6).Select(t => t >= 3 ? brighter : style).ToList();
        var passing = Enumerable.Range(0, 6).Select(t => t == 3 ? brighter : style).ToList();
        var inner = new Rect(8, 8, Width - 16, Height - 16);

        var followed = _frames.Keep(BlendWithLookahead(input, lasting, options, out _));
        var held = _frames.Keep(BlendWithLookahead(input, passing, options, out _));

        // Mean brightening over the texture's inner part (the texture stays within 40..216, so +36 never clips).
        double Rise(Mat frame) => Cv2.Mean(frame[inner]).Val0 - Cv2.Mean(style[inner]).Val0;
        Assert.InRange(Rise(followed[3]), both - 1, both + 1);
        Assert.InRange(Rise(held[3]), small - 1, small + 1);
        Assert.InRange(Rise(held[4]), -0.5, 0.5);
        Assert.InRange(Rise(followed[5]), delta - 0.5, delta + 0.5);
    }

    [Fact]
    public void ConsistentStylizationOfAMovingScene_StaysSharp()
    {
        // The scene drifts by 1.3 px per frame (sub-pixel positions, so every warp of the history interpolates)
        // and its "stylization" follows it exactly. A blend that re-samples its history every frame would soften
        // a little more each frame; here the per-frame result passes wherever the warped history is close to
        // it, so after 12 frames the output is as sharp as the stylized frame.
        var scene = _frames.Keep(TestClips.Texture(Width + 40, Height, seed: 12));
        var input = _frames.Keep(Enumerable.Range(0, 12).Select(t => Shift(scene, 1.3 * t)));
        var stylized = _frames.Keep(input.Select(TestFrames.Invert));
        var inner = new Rect(16, 8, Width - 32, Height - 16);

        var output = _frames.Keep(BlendWithLookahead(input, stylized, new TemporalOptions(), out var cuts));

        Assert.Empty(cuts);
        var ratio = LaplacianVariance(output[^1][inner]) / LaplacianVariance(stylized[^1][inner]);
        Assert.InRange(ratio, 0.97, 1.03);
    }

    [Fact]
    public void DifferentPictures_AreASceneCut()
    {
        var first = _frames.Keep(TestClips.Texture(Width, Height, seed: 5));
        var second = _frames.Keep(TestClips.Texture(Width, Height, seed: 6));
        using var blender = new TemporalBlender(Width, Height, new TemporalOptions());
        using var output = new Mat(Height, Width, MatType.CV_8UC3);

        blender.Process(first, first, output);
        blender.Process(first, first, output);
        Assert.False(blender.LastFrameWasSceneCut);
        blender.Process(second, second, output);
        Assert.True(blender.LastFrameWasSceneCut);
        Assert.Equal(0, TestClips.MeanAbsoluteDifference(output, second));
    }

    [Fact]
    public void RejectsFramesOfTheWrongSizeOrType_AndOptionsOutOfRange()
    {
        using var blender = new TemporalBlender(Width, Height, new TemporalOptions());
        using var good = new Mat(Height, Width, MatType.CV_8UC3, Scalar.All(0));
        using var small = new Mat(Height / 2, Width, MatType.CV_8UC3, Scalar.All(0));
        using var gray = new Mat(Height, Width, MatType.CV_8UC1, Scalar.All(0));

        Assert.Throws<ArgumentException>(() => blender.Process(small, good, good));
        Assert.Throws<ArgumentException>(() => blender.Process(good, gray, good));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TemporalBlender(Width, Height, new TemporalOptions { Strength = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TemporalBlender(Width, Height, new TemporalOptions { FlowScale = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TemporalBlender(Width, Height, new TemporalOptions { Tolerance = 4, ConfirmedTolerance = 2 }));
        Assert.Throws<ArgumentException>(() => blender.Process(good, good, good, null, good));
        Assert.Throws<ArgumentException>(() => blender.Process(good, good, small, small, good));
    }

    /// <summary>
    /// Runs a blender over the frames as the batch pipeline does: each frame with the next one as lookahead,
    /// the last without. Returns the outputs and the frames where a scene cut started afresh.
    /// </summary>
    internal static List<Mat> BlendWithLookahead(IReadOnlyList<Mat> input, IReadOnlyList<Mat> stylized, TemporalOptions options, out List<int> cuts)
    {
        using var blender = new TemporalBlender(input[0].Cols, input[0].Rows, options);
        var output = new List<Mat>();
        cuts = [];
        for (var t = 0; t < input.Count; t++)
        {
            var frame = new Mat(input[t].Size(), MatType.CV_8UC3);
            output.Add(frame);
            var last = t == input.Count - 1;
            blender.Process(input[t], stylized[t], last ? null : input[t + 1], last ? null : stylized[t + 1], frame);
            if (blender.LastFrameWasSceneCut)
            {
                cuts.Add(t);
            }
        }

        return output;
    }

    private static Mat Shift(Mat scene, double dx)
    {
        using var transform = new Mat(2, 3, MatType.CV_64FC1, Scalar.All(0));
        transform.Set(0, 0, 1.0);
        transform.Set(1, 1, 1.0);
        transform.Set(0, 2, -dx);
        var shifted = new Mat();
        Cv2.WarpAffine(scene, shifted, transform, new Size(Width, Height), InterpolationFlags.Cubic, BorderTypes.Reflect101);
        return shifted;
    }

    private static double LaplacianVariance(Mat image)
    {
        using var gray = new Mat();
        using var laplacian = new Mat();
        Cv2.CvtColor(image, gray, ColorConversionCodes.BGR2GRAY);
        Cv2.Laplacian(gray, laplacian, MatType.CV_32F);
        Cv2.MeanStdDev(laplacian, out _, out var deviation);
        return deviation.Val0 * deviation.Val0;
    }

    private static Mat WithNoise(Mat picture, int amplitude, int seed)
    {
        using var noise = new Mat(picture.Size(), MatType.CV_8UC3);
        new Random(seed).NextBytes(noise.AsSpan<byte>());
        using var signed = new Mat();
        noise.ConvertTo(signed, MatType.CV_16SC3, 2.0 * amplitude / 255, -amplitude);
        using var sum = new Mat();
        picture.ConvertTo(sum, MatType.CV_16SC3);
        Cv2.Add(sum, signed, sum);
        var result = new Mat();
        sum.ConvertTo(result, MatType.CV_8UC3);
        return result;
    }

    private static double MeanSquaredDifference(Mat a, Mat b)
    {
        var norm = Cv2.Norm(a, b, NormTypes.L2);
        return norm * norm / (3.0 * a.Rows * a.Cols);
    }
}
