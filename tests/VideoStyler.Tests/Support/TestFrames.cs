using OpenCvSharp;

namespace VideoStyler.Tests.Support;

/// <summary>Reads frames of a clip (OpenCV's own FFmpeg) and compares pictures with tolerances.</summary>
internal static class TestFrames
{
    public static List<Mat> Read(string path, int maxFrames = int.MaxValue)
    {
        using var capture = new VideoCapture(path);
        Assert.True(capture.IsOpened(), $"cannot open {path}");
        var frames = new List<Mat>();
        while (frames.Count < maxFrames)
        {
            var frame = new Mat();
            if (!capture.Read(frame) || frame.Empty())
            {
                frame.Dispose();
                break;
            }

            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>Mean absolute difference per channel value, 0..255.</summary>
    public static double MeanAbsDiff(Mat a, Mat b)
    {
        using var diff = new Mat();
        Cv2.Absdiff(a, b, diff);
        var mean = Cv2.Mean(diff);
        return (mean.Val0 + mean.Val1 + mean.Val2) / 3.0;
    }

    /// <summary>Mean of the per-channel standard deviations (0 for a flat picture).</summary>
    public static double Contrast(Mat a)
    {
        Cv2.MeanStdDev(a, out _, out var std);
        return (std.Val0 + std.Val1 + std.Val2) / 3.0;
    }

    /// <summary>
    /// Correlation of the blurred gradient magnitude of two pictures: style transfer repaints colours
    /// and textures but keeps the scene's outlines, so a stylized frame still correlates with its
    /// source here while noise or a wrong frame does not.
    /// </summary>
    public static double StructureCorrelation(Mat a, Mat b)
    {
        using var ga = EdgeMap(a);
        using var gb = EdgeMap(b);
        Cv2.MeanStdDev(ga, out var ma, out var sa);
        Cv2.MeanStdDev(gb, out var mb, out var sb);
        using var da = new Mat();
        using var db = new Mat();
        Cv2.Subtract(ga, new Scalar(ma.Val0), da);
        Cv2.Subtract(gb, new Scalar(mb.Val0), db);
        using var product = new Mat();
        Cv2.Multiply(da, db, product);
        return Cv2.Mean(product).Val0 / (sa.Val0 * sb.Val0 + 1e-9);
    }

    private static Mat EdgeMap(Mat image)
    {
        using var small = new Mat();
        Cv2.Resize(image, small, new Size(160, 120), 0, 0, InterpolationFlags.Area);
        using var gray = new Mat();
        Cv2.CvtColor(small, gray, ColorConversionCodes.BGR2GRAY);
        using var f = new Mat();
        gray.ConvertTo(f, MatType.CV_32F);
        using var gx = new Mat();
        using var gy = new Mat();
        Cv2.Sobel(f, gx, MatType.CV_32F, 1, 0);
        Cv2.Sobel(f, gy, MatType.CV_32F, 0, 1);
        var magnitude = new Mat();
        Cv2.Magnitude(gx, gy, magnitude);
        Cv2.GaussianBlur(magnitude, magnitude, new Size(9, 9), 3);
        return magnitude;
    }

    /// <summary>A new picture with every channel inverted (a cheap stand-in for a strong restyling).</summary>
    public static Mat Invert(Mat frame)
    {
        var inverted = new Mat();
        Cv2.BitwiseNot(frame, inverted);
        return inverted;
    }

    /// <summary>A new picture brighter by <paramref name="amount"/> levels (saturating).</summary>
    public static Mat Brighten(Mat frame, double amount)
    {
        var brighter = new Mat();
        Cv2.Add(frame, Scalar.All(amount), brighter);
        return brighter;
    }
}
