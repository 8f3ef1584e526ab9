using OpenCvSharp;

namespace VideoStyler.Stills;

/// <summary>
/// Reads a still image into what the stylizer takes (<see cref="DecodedImage"/>): any of the formats in
/// <see cref="ImageFormats"/>, 8 or 16 bits, grayscale (made BGR, so the output is colour) or colour,
/// with or without alpha; the EXIF orientation is applied here (OpenCV is asked for the stored pixels;
/// only its TIFF decoder turns a TIFF upright itself), so the picture is upright whatever the format. A file that is empty, cut off, or that the decoder
/// rejects is damaged input (exit code 3); nothing is guessed from a partial picture.
/// </summary>
internal static class ImageDecoder
{
    public const int DamagedExitCode = 3;

    /// <summary>
    /// The largest picture read (e.g. 16000x12500): each full-size copy of a 200 MP picture is 600 MB
    /// (decoded, stylized, encoded), beyond that memory, not the model, would end the run.
    /// </summary>
    public const long MaxPixels = 200_000_000;

    public static DecodedImage Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new UserFacingException($"input not found: {path}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot read {path}: {ex.Message}");
        }

        return Decode(bytes, path);
    }

    public static DecodedImage Decode(byte[] bytes, string name)
    {
        if (bytes.Length == 0)
        {
            throw new UserFacingException($"{name} is empty (0 bytes); no image to stylize", DamagedExitCode);
        }

        var format = ImageFormats.Sniff(bytes)
            ?? throw new UserFacingException(
                $"{name} is not an image in a format we read ({ImageFormats.ExtensionList}), or it is damaged", DamagedExitCode);
        if (ImageHeader.TryReadSize(bytes, format) is var (width, height) && width * height > MaxPixels)
        {
            throw new UserFacingException(
                $"{name} is {width}x{height} ({width * height / 1_000_000} megapixels); stills of more than {MaxPixels / 1_000_000} megapixels are refused (scale it down first)");
        }

        if (format == ImageFormat.Png && PngChunks.Read(bytes).LastOrDefault().Type != "IEND")
        {
            throw new UserFacingException($"{name} is damaged or truncated: the PNG data ends before its IEND chunk", DamagedExitCode);
        }

        using var raw = NativeStderr.Capture(() => Cv2.ImDecode(bytes, ImreadModes.Unchanged), out var decoderLog);
        if (raw.Empty() && format == ImageFormat.Jpeg && !JpegSegments.EndsWithEoi(bytes))
        {
            // Checked only after a failed decode: phones append data after the end marker (motion
            // photos carry a whole video there), and such a JPEG is fine.
            throw new UserFacingException($"{name} is damaged or truncated: the JPEG data ends before its end marker", DamagedExitCode)
            {
                Details = decoderLog,
            };
        }

        if (raw.Empty())
        {
            throw new UserFacingException($"{name} is damaged: the {ImageFormats.Name(format)} decoder could not read a picture from it", DamagedExitCode)
            {
                Details = decoderLog,
            };
        }

        if (DamageReport(decoderLog) is { } damage)
        {
            // libjpeg and libpng carry on past some corruption and hand back a picture with a grey or
            // smeared part; we do not stylize a picture the decoder had to patch up.
            throw new UserFacingException($"{name} is damaged: {damage}", DamagedExitCode) { Details = decoderLog };
        }

        var orientation = ExifOrientation.Read(bytes, format);
        // OpenCV's TIFF decoder turns the picture upright itself, even when asked for the stored
        // pixels (seen with orientations 2, 3, 6 and 8); the other decoders leave it to us.
        var toApply = format == ImageFormat.Tiff ? 1 : orientation;
        var sourceChannels = raw.Channels();
        using var eight = ToEightBit(raw);
        Mat bgr;
        Mat? alpha = null;
        switch (eight.Channels())
        {
            case 1:
                bgr = eight.CvtColor(ColorConversionCodes.GRAY2BGR);
                break;
            case 3:
                bgr = eight.Clone();
                break;
            case 4:
                bgr = new Mat();
                alpha = new Mat();
                Cv2.CvtColor(eight, bgr, ColorConversionCodes.BGRA2BGR);
                Cv2.ExtractChannel(eight, alpha, 3);
                FlattenOntoWhite(bgr, alpha);
                break;
            default:
                throw new UserFacingException($"{name} has {eight.Channels()} channels; expected gray, colour or colour with alpha", DamagedExitCode);
        }

        var uprightBgr = ExifOrientation.Apply(bgr, toApply);
        if (!ReferenceEquals(uprightBgr, bgr))
        {
            bgr.Dispose();
        }

        Mat? uprightAlpha = null;
        if (alpha is not null)
        {
            uprightAlpha = ExifOrientation.Apply(alpha, toApply);
            if (!ReferenceEquals(uprightAlpha, alpha))
            {
                alpha.Dispose();
            }
        }

        return new DecodedImage(uprightBgr, uprightAlpha, format, orientation, sourceChannels);
    }

    /// <summary>The decoder's first line that reports corruption it worked around, or null.</summary>
    private static string? DamageReport(string decoderLog) =>
        decoderLog.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(l => l.Contains("Corrupt JPEG", StringComparison.OrdinalIgnoreCase)
                || l.Contains("Premature end", StringComparison.OrdinalIgnoreCase)
                || l.Contains("libpng error", StringComparison.OrdinalIgnoreCase)
                || l.Contains("CRC error", StringComparison.OrdinalIgnoreCase));

    private static Mat ToEightBit(Mat raw)
    {
        var depth = raw.Depth();
        if (depth == MatType.CV_8U)
        {
            return raw.Clone();
        }

        var scale = depth == MatType.CV_16U ? 1.0 / 257.0
            : depth is MatType.CV_32F or MatType.CV_64F ? 255.0
            : 1.0;
        var converted = new Mat();
        raw.ConvertTo(converted, MatType.MakeType(MatType.CV_8U, raw.Channels()), scale);
        return converted;
    }

    /// <summary>Transparent pixels carry arbitrary colours; the model sees them as white paper.</summary>
    private static void FlattenOntoWhite(Mat bgr, Mat alpha)
    {
        using var weight = new Mat();
        alpha.ConvertTo(weight, MatType.CV_32FC1, 1.0 / 255.0);
        using var weight3 = new Mat();
        Cv2.Merge([weight, weight, weight], weight3);
        using var colour = new Mat();
        bgr.ConvertTo(colour, MatType.CV_32FC3);
        using var white = new Mat(bgr.Size(), MatType.CV_32FC3, Scalar.All(255));
        using var inverse = new Mat();
        Cv2.Subtract(Scalar.All(1.0), weight3, inverse);
        using var blended = new Mat();
        Cv2.Multiply(colour, weight3, colour);
        Cv2.Multiply(white, inverse, white);
        Cv2.Add(colour, white, blended);
        blended.ConvertTo(bgr, MatType.CV_8UC3);
    }
}
