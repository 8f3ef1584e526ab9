using OpenCvSharp;

namespace VideoStyler.Styles;

/// <summary>Reduces a picture to a bounded size for storing and analysing styles (pictures are read with <see cref="Stylize.Arbitrary.StyleImage"/>).</summary>
internal static class PictureFit
{
    /// <summary>A copy of <paramref name="image"/> reduced (area average) so its long side is at most <paramref name="side"/>.</summary>
    public static Mat FitWithin(Mat image, int side)
    {
        var longSide = Math.Max(image.Cols, image.Rows);
        if (longSide <= side)
        {
            return image.Clone();
        }

        var scale = (double)side / longSide;
        var size = new Size(Math.Max(1, (int)Math.Round(image.Cols * scale)), Math.Max(1, (int)Math.Round(image.Rows * scale)));
        var result = new Mat();
        Cv2.Resize(image, result, size, 0, 0, InterpolationFlags.Area);
        return result;
    }
}
