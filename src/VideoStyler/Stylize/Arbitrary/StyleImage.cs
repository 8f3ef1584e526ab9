using System.Buffers.Binary;
using OpenCvSharp;

namespace VideoStyler.Stylize.Arbitrary;

/// <summary>
/// Reads a picture used as a style (or any still the predictor looks at) as an 8-bit BGR Mat, with
/// one-line errors for what cannot be a style. Documented results:
/// <list type="bullet">
/// <item>not a file, empty, not an image OpenCV decodes: refused;</item>
/// <item>smaller than <see cref="MinimumSide"/> pixels a side (e.g. 1x1): refused (no texture to take a style from);</item>
/// <item>grayscale: used, as gray BGR (the style then has no colour of its own);</item>
/// <item>alpha: composited over white (what a viewer shows for a transparent picture);</item>
/// <item>16-bit: scaled to 8 bits;</item>
/// <item>huge: a JPEG over <see cref="MaximumDecodeSide"/> pixels a side is decoded at 1/2, 1/4 or 1/8
/// scale by the JPEG decoder itself (cheap); any other format over <see cref="MaximumPixels"/> pixels
/// (read from its header: PNG, BMP, WebP, GIF) is refused before decoding, so memory stays bounded.</item>
/// </list>
/// </summary>
internal static class StyleImage
{
    public const int MinimumSide = 16;

    /// <summary>JPEGs with a longer side are decoded downscaled.</summary>
    public const int MaximumDecodeSide = 4096;

    /// <summary>Other formats with more pixels are refused (about 400 MB as 8-bit BGR).</summary>
    public const long MaximumPixels = 134_217_728; // 2^27, e.g. 16384 x 8192

    public static Mat Load(string path)
    {
        if (Directory.Exists(path))
        {
            throw new UserFacingException($"style image {path} is a folder, not a picture");
        }

        if (!File.Exists(path))
        {
            throw new UserFacingException($"style image not found: {path}");
        }

        var length = new FileInfo(path).Length;
        if (length == 0)
        {
            throw new UserFacingException($"style image {path} is empty (0 bytes)");
        }

        var header = ReadHeader(path);
        var size = TryReadSize(header);
        var isJpeg = header.Length > 3 && header[0] == 0xFF && header[1] == 0xD8;
        var mode = ImreadModes.Unchanged;
        if (size is { } s && (long)s.Width * s.Height > MaximumPixels && !isJpeg)
        {
            throw new UserFacingException(
                $"style image {path} is {s.Width}x{s.Height} pixels, more than the {MaximumPixels / 1_000_000} megapixels a style image may have; scale it down (a style needs only about 256 pixels a side)");
        }

        if (isJpeg && size is { } j && Math.Max(j.Width, j.Height) > MaximumDecodeSide)
        {
            var factor = Math.Max(j.Width, j.Height) / MaximumDecodeSide;
            mode = factor >= 8 ? ImreadModes.ReducedColor8 : factor >= 4 ? ImreadModes.ReducedColor4 : ImreadModes.ReducedColor2;
        }

        using var raw = Cv2.ImRead(path, mode);
        if (raw.Empty())
        {
            throw new UserFacingException($"style image {path} is not a picture OpenCV can read (JPEG, PNG, WebP, BMP, TIFF...)");
        }

        if (raw.Width < MinimumSide || raw.Height < MinimumSide)
        {
            throw new UserFacingException($"style image {path} is {raw.Width}x{raw.Height} pixels; a style needs at least {MinimumSide}x{MinimumSide}");
        }

        return ToBgr8(raw);
    }

    /// <summary>Any decoded picture as 8-bit BGR: gray expanded, alpha composited over white, 16-bit scaled.</summary>
    public static Mat ToBgr8(Mat raw)
    {
        using var eight = new Mat();
        var depth = raw.Depth();
        if (depth == MatType.CV_16U)
        {
            raw.ConvertTo(eight, MatType.MakeType(MatType.CV_8U, raw.Channels()), 1.0 / 257.0);
        }
        else if (depth == MatType.CV_8U)
        {
            raw.CopyTo(eight);
        }
        else
        {
            raw.ConvertTo(eight, MatType.MakeType(MatType.CV_8U, raw.Channels()), depth is MatType.CV_32F or MatType.CV_64F ? 255.0 : 1.0);
        }

        var result = new Mat();
        switch (eight.Channels())
        {
            case 1:
                Cv2.CvtColor(eight, result, ColorConversionCodes.GRAY2BGR);
                break;
            case 3:
                eight.CopyTo(result);
                break;
            case 4:
                CompositeOverWhite(eight, result);
                break;
            default:
                result.Dispose();
                throw new UserFacingException($"a picture with {eight.Channels()} channels cannot be a style");
        }

        return result;
    }

    private static void CompositeOverWhite(Mat bgra, Mat result)
    {
        var planes = Cv2.Split(bgra);
        try
        {
            using var alpha = new Mat();
            planes[3].ConvertTo(alpha, MatType.CV_32F, 1.0 / 255.0);
            using var alpha3 = new Mat();
            Cv2.Merge([alpha, alpha, alpha], alpha3);
            using var bgr = new Mat();
            using var colour = new Mat();
            Cv2.Merge([planes[0], planes[1], planes[2]], bgr);
            bgr.ConvertTo(colour, MatType.CV_32FC3);
            // out = colour * a + 255 * (1 - a)
            using var white = new Mat(bgra.Size(), MatType.CV_32FC3, Scalar.All(255));
            using var blended = colour.Mul(alpha3).ToMat();
            using var inverse = new Mat();
            Cv2.Subtract(Scalar.All(1.0), alpha3, inverse);
            using var background = white.Mul(inverse).ToMat();
            Cv2.Add(blended, background, blended);
            blended.ConvertTo(result, MatType.CV_8UC3);
        }
        finally
        {
            foreach (var plane in planes)
            {
                plane.Dispose();
            }
        }
    }

    private static byte[] ReadHeader(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[64 * 1024];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return buffer[..read];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot read style image {path}: {ex.Message}");
        }
    }

    /// <summary>Width and height from a PNG, JPEG (SOF marker in the first 64 KiB), BMP, GIF or WebP header; null if unknown.</summary>
    internal static (int Width, int Height)? TryReadSize(ReadOnlySpan<byte> h)
    {
        if (h.Length >= 24 && h[0] == 0x89 && h[1] == (byte)'P' && h[2] == (byte)'N' && h[3] == (byte)'G')
        {
            return ((int)BinaryPrimitives.ReadUInt32BigEndian(h[16..]), (int)BinaryPrimitives.ReadUInt32BigEndian(h[20..]));
        }

        if (h.Length >= 26 && h[0] == (byte)'B' && h[1] == (byte)'M')
        {
            return (Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(h[18..])), Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(h[22..])));
        }

        if (h.Length >= 10 && h[0] == (byte)'G' && h[1] == (byte)'I' && h[2] == (byte)'F')
        {
            return (BinaryPrimitives.ReadUInt16LittleEndian(h[6..]), BinaryPrimitives.ReadUInt16LittleEndian(h[8..]));
        }

        if (h.Length >= 30 && h[0] == (byte)'R' && h[1] == (byte)'I' && h[8] == (byte)'W' && h[9] == (byte)'E' && h[12] == (byte)'V' && h[13] == (byte)'P' && h[14] == (byte)'8')
        {
            return h[15] switch
            {
                (byte)' ' => (BinaryPrimitives.ReadUInt16LittleEndian(h[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(h[28..]) & 0x3FFF),
                (byte)'L' => (1 + (h[21] | ((h[22] & 0x3F) << 8)), 1 + ((h[22] >> 6) | (h[23] << 2) | ((h[24] & 0x0F) << 10))),
                (byte)'X' => (1 + (h[24] | (h[25] << 8) | (h[26] << 16)), 1 + (h[27] | (h[28] << 8) | (h[29] << 16))),
                _ => null,
            };
        }

        if (h.Length >= 4 && h[0] == 0xFF && h[1] == 0xD8)
        {
            var i = 2;
            while (i + 9 < h.Length)
            {
                if (h[i] != 0xFF)
                {
                    return null;
                }

                var marker = h[i + 1];
                if (marker == 0xFF)
                {
                    i++;
                    continue;
                }

                var segment = BinaryPrimitives.ReadUInt16BigEndian(h[(i + 2)..]);
                // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
                if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                {
                    return (BinaryPrimitives.ReadUInt16BigEndian(h[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(h[(i + 5)..]));
                }

                i += 2 + segment;
            }
        }

        return null;
    }
}
