using OpenCvSharp;

namespace VideoStyler.Tests.Temporal;

/// <summary>Frame lists for the temporal tests: reading shared clips and writing lossless (FFV1) clips.</summary>
internal static class TestClips
{
    public static List<Mat> Read(string path, int count)
    {
        var frames = Support.TestFrames.Read(path, count);
        Assert.Equal(count, frames.Count);
        return frames;
    }

    /// <summary>Writes the frames losslessly, so the meter sees exactly these pixels.</summary>
    public static string Write(string folder, string name, IReadOnlyList<Mat> frames)
    {
        var path = Path.Combine(folder, name);
        using var writer = new VideoWriter(path, FourCC.FromString("FFV1"), 30, frames[0].Size());
        Assert.True(writer.IsOpened(), $"cannot write {path}");
        foreach (var frame in frames)
        {
            writer.Write(frame);
        }

        return path;
    }

    /// <summary>A smooth random texture (blurred noise) that optical flow can track.</summary>
    public static Mat Texture(int width, int height, int seed)
    {
        using var noise = new Mat(height, width, MatType.CV_8UC3);
        new Random(seed).NextBytes(noise.AsSpan<byte>());
        var texture = new Mat();
        Cv2.GaussianBlur(noise, texture, new Size(0, 0), 2.0);
        Cv2.Normalize(texture, texture, 40, 216, NormTypes.MinMax);
        return texture;
    }

    /// <summary>A copy of the width x height window of <paramref name="picture"/> at (x, y).</summary>
    public static Mat Crop(Mat picture, int x, int y, int width, int height)
    {
        using var window = new Mat(picture, new Rect(x, y, width, height));
        return window.Clone();
    }

    public static double MeanAbsoluteDifference(Mat a, Mat b)
    {
        using var difference = new Mat();
        Cv2.Absdiff(a, b, difference);
        var sum = Cv2.Sum(difference);
        return (sum.Val0 + sum.Val1 + sum.Val2) / (3.0 * a.Rows * a.Cols);
    }

    public static void DisposeAll(IEnumerable<Mat> frames)
    {
        foreach (var frame in frames)
        {
            frame.Dispose();
        }
    }
}
