using OpenCvSharp;

namespace VideoStyler.Stills;

/// <summary>
/// The EXIF orientation (tag 274: 1 upright, 2 mirrored, 3 upside down, 4 flipped, 5 transposed,
/// 6 turned a quarter clockwise to be upright, 7 transversed, 8 turned a quarter counter-clockwise),
/// read from wherever the format keeps EXIF (JPEG APP1, PNG eXIf, WebP EXIF chunk, the TIFF's own
/// first IFD), and applied to the pixels so the picture stands upright.
/// </summary>
internal static class ExifOrientation
{
    /// <summary>The file's orientation, 1 (upright) when it has none or an invalid one.</summary>
    public static int Read(byte[] file, ImageFormat format)
    {
        byte[]? exif = null;
        switch (format)
        {
            case ImageFormat.Jpeg:
                foreach (var (marker, payload) in JpegSegments.Read(file))
                {
                    if (marker == JpegSegments.App1 && payload.AsSpan().StartsWith(JpegSegments.ExifPrefix))
                    {
                        exif = payload[JpegSegments.ExifPrefix.Length..];
                        break;
                    }
                }

                break;
            case ImageFormat.Png:
                exif = PngChunks.Read(file).FirstOrDefault(c => c.Type == "eXIf").Data;
                break;
            case ImageFormat.WebP:
                exif = WebpChunks.Read(file).FirstOrDefault(c => c.FourCc == "EXIF").Data;
                if (exif is not null && exif.AsSpan().StartsWith(JpegSegments.ExifPrefix))
                {
                    exif = exif[JpegSegments.ExifPrefix.Length..];
                }

                break;
            case ImageFormat.Tiff:
                exif = file;
                break;
        }

        var value = exif is null ? null : TiffStructure.ReadNumber(exif, TiffStructure.OrientationTag);
        return value is >= 1 and <= 8 ? (int)value.Value : 1;
    }

    /// <summary>The upright picture: <paramref name="image"/> itself for 1, else a new Mat (the caller disposes both).</summary>
    public static Mat Apply(Mat image, int orientation)
    {
        if (orientation is < 2 or > 8)
        {
            return image;
        }

        var upright = new Mat();
        switch (orientation)
        {
            case 2:
                Cv2.Flip(image, upright, FlipMode.Y);
                break;
            case 3:
                Cv2.Rotate(image, upright, RotateFlags.Rotate180);
                break;
            case 4:
                Cv2.Flip(image, upright, FlipMode.X);
                break;
            case 5:
                Cv2.Transpose(image, upright);
                break;
            case 6:
                Cv2.Rotate(image, upright, RotateFlags.Rotate90Clockwise);
                break;
            case 7:
                Cv2.Transpose(image, upright);
                Cv2.Rotate(upright, upright, RotateFlags.Rotate180);
                break;
            default:
                Cv2.Rotate(image, upright, RotateFlags.Rotate90Counterclockwise);
                break;
        }

        return upright;
    }
}
