using OpenCvSharp;
using VideoStyler.Temporal;

namespace VideoStyler.Tests.Temporal;

public sealed class TemporalBlenderTests : IDisposable
{
    private const int Width = 160;
    private const int Height = 120;
    private readonly List<Mat> _frames = [];

    public void Dispose() => TestClips.DisposeAll(_frames);

    [Fact]
    public void StrengthZero_PassesStylizedFramesThrough()
    {
        var input = Keep(TestClips.Texture(Width, Height, seed: 1));
        using var blender = new TemporalBlender(Width, Height, new TemporalOptions { Strength = 0 });
        using var output = new Mat(Height, Width, MatType.CV_8UC3);

        for (var t = 0; t < 3; t++)
        {
            var stylized = Keep(TestClips.Texture(Width, Height, seed: 10 + t));
            blender.Process(input, stylized, output);
            Assert.Equal(0, TestClips.MeanAbsoluteDifference(output, stylized));
        }
    }

    [Fact]
    public void FirstFrame_AndFirstFrameAfterReset_PassThrough()
    {
        var input = Keep(TestClips.Texture(Width, Height, seed: 2));
        var first = Keep(TestClips.Texture(Width, Height, seed: 20));
        var second = Keep(TestClips.Texture(Width, Height, seed: 21));
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
        var input = Keep(TestClips.Texture(Width, Height, seed: 3));
        var style = Keep(TestClips.Texture(Width, Height, seed: 30));
        using var blender = new TemporalBlender(Width, Height, new TemporalOptions());
        using var output = new Mat(Height, Width, MatType.CV_8UC3);
        using var previousOutput = new Mat(Height, Width, MatType.CV_8UC3);
        Mat? previousStylized = null;
        double outputChange = 0, stylizedChange = 0;

        for (var t = 0; t < 8; t++)
        {
            var stylized = Keep(WithNoise(style, amplitude: 60, seed: 300 + t));
            output.CopyTo(previousOutput);
            blender.Process(input, stylized, output);
            if (previousStylized is not null)
            {
                outputChange += MeanSquaredDifference(output, previousOutput);
                stylizedChange += MeanSquaredDifference(stylized, previousStylized);
            }

            previousStylized = stylized;
        }

        Assert.True(outputChange < 0.15 * stylizedChange, $"squared change {outputChange:F0} vs per-frame {stylizedChange:F0}");
    }

    [Fact]
    public void StaticScene_ChangesWithinTheTolerancePassUntouched()
    {
        var input = Keep(TestClips.Texture(Width, Height, seed: 7));
        var style = Keep(TestClips.Texture(Width, Height, seed: 70));
        var options = new TemporalOptions();
        using var blender = new TemporalBlender(Width, Height, options);
        using var output = new Mat(Height, Width, MatType.CV_8UC3);

        for (var t = 0; t < 6; t++)
        {
            var stylized = Keep(new Mat());
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
        var scene = Keep(TestClips.Texture(Width + 40, Height, seed: 4));
        using var blender = new TemporalBlender(Width, Height, new TemporalOptions());
        using var output = new Mat(Height, Width, MatType.CV_8UC3);
        using var clean = new Mat();
        var interior = new Rect(24, 8, Width - 48, Height - 16);
        double outputError = 0, perFrameError = 0;

        for (var t = 0; t < 10; t++)
        {
            var input = Keep(TestClips.Crop(scene, 30 - 3 * t, 0, Width, Height));
            Cv2.BitwiseNot(input, clean);
            var stylized = Keep(WithNoise(clean, amplitude: 50, seed: 400 + t));
            blender.Process(input, stylized, output);
            Assert.False(blender.LastFrameWasSceneCut, $"frame {t} taken for a cut");
            if (t >= 3)
            {
                outputError += TestClips.MeanAbsoluteDifference(output[interior], clean[interior]);
                perFrameError += TestClips.MeanAbsoluteDifference(stylized[interior], clean[interior]);
            }
        }

        Assert.True(outputError < 0.8 * perFrameError, $"output {outputError:F1} vs per-frame {perFrameError:F1}");
    }

    [Fact]
    public void DifferentPictures_AreASceneCut()
    {
        var first = Keep(TestClips.Texture(Width, Height, seed: 5));
        var second = Keep(TestClips.Texture(Width, Height, seed: 6));
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

    private Mat Keep(Mat frame)
    {
        _frames.Add(frame);
        return frame;
    }
}
