using OpenCvSharp;

namespace VideoStyler.Styles;

/// <summary>
/// Reads a picture used as a style (a painting, a photo) as 8-bit BGR, with a one-line error for what
/// is not usable. Grayscale pictures become three equal channels; an alpha channel is ignored. A picture
/// whose long side is over <see cref="MaxSide"/> px is decoded reduced (1/2, 1/4 or 1/8: JPEG decodes
/// it that way directly), so a 20000x20000 file never needs gigabytes.
/// </summary>
public static class StyleImageLoader
{
    public const int MaxSide = 4096;
    public const int MinSide = 16;
    private const long MaxFileBytes = 256L << 20;

    public static Mat Load(string path)
    {
        if (Directory.Exists(path))
        {
            throw new UserFacingException($"style image {path} is a folder, not a picture");
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new UserFacingException($"style image not found: {path}");
        }

        if (info.Length == 0)
        {
            throw new UserFacingException($"style image {path} is empty (0 bytes)");
        }

        if (info.Length > MaxFileBytes)
        {
            throw new UserFacingException($"style image {path} is {info.Length >> 20} MB; pictures over {MaxFileBytes >> 20} MB are refused");
        }

        try
        {
            // A 1/8 decode first tells the size cheaply; then decode at the largest reduction that keeps the long side within MaxSide.
            // (A picture under 8 px decodes to nothing at 1/8: it is then read whole.)
            using var reduced = ReadReduced(path);
            var whole = reduced.Empty();
            using var probe = whole ? Cv2.ImRead(path, ImreadModes.Color) : reduced.Clone();
            if (probe.Empty())
            {
                throw new UserFacingException($"style image {path} is not a picture OpenCV can read (JPEG, PNG, WebP, BMP, TIFF)");
            }

            var approxLong = Math.Max(probe.Cols, probe.Rows) * (whole ? 1 : 8);
            var mode = approxLong <= MaxSide ? ImreadModes.Color
                : approxLong <= MaxSide * 2 ? ImreadModes.ReducedColor2
                : approxLong <= MaxSide * 4 ? ImreadModes.ReducedColor4
                : ImreadModes.ReducedColor8;
            var image = whole || mode == ImreadModes.ReducedColor8 ? probe.Clone() : Cv2.ImRead(path, mode);
            if (image.Empty())
            {
                image.Dispose();
                throw new UserFacingException($"style image {path} could not be decoded");
            }

            if (image.Cols < MinSide || image.Rows < MinSide)
            {
                var size = $"{image.Cols}x{image.Rows}";
                image.Dispose();
                throw new UserFacingException($"style image {path} is {size}: too small to carry a style (at least {MinSide}x{MinSide})");
            }

            if (Math.Max(image.Cols, image.Rows) > MaxSide)
            {
                var fitted = FitWithin(image, MaxSide);
                image.Dispose();
                return fitted;
            }

            return image;
        }
        catch (OpenCVException ex)
        {
            throw new UserFacingException($"style image {path} could not be decoded: {ex.Message}");
        }
    }

    private static Mat ReadReduced(string path)
    {
        try
        {
            return Cv2.ImRead(path, ImreadModes.ReducedColor8);
        }
        catch (OpenCVException)
        {
            return new Mat(); // OpenCV cannot scale a picture of a few pixels to 1/8
        }
    }

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
