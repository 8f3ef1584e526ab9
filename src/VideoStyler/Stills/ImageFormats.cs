using OpenCvSharp;

namespace VideoStyler.Stills;

/// <summary>
/// Which files are still images (by extension, or by their first bytes), and how each format is
/// encoded: JPEG quality 95 (4:2:0 like cameras), lossless PNG, WebP quality 95, plain BMP, TIFF.
/// </summary>
internal static class ImageFormats
{
    public const int JpegQuality = 95;

    public const int WebpQuality = 95;

    private static readonly Dictionary<string, ImageFormat> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".jpg"] = ImageFormat.Jpeg,
        [".jpeg"] = ImageFormat.Jpeg,
        [".png"] = ImageFormat.Png,
        [".webp"] = ImageFormat.WebP,
        [".bmp"] = ImageFormat.Bmp,
        [".tif"] = ImageFormat.Tiff,
        [".tiff"] = ImageFormat.Tiff,
    };

    /// <summary>".jpg, .jpeg, .png, .webp, .bmp, .tif, .tiff".</summary>
    public static string ExtensionList => string.Join(", ", ByExtension.Keys);

    public static IReadOnlyCollection<string> Extensions => ByExtension.Keys;

    /// <summary>The format a path's extension names, or null when it is not an image extension.</summary>
    public static ImageFormat? FromPath(string path) =>
        ByExtension.TryGetValue(Path.GetExtension(path), out var format) ? format : null;

    public static bool IsImagePath(string path) => FromPath(path) is not null;

    /// <summary>
    /// The format the file's first bytes say, or null. Used to tell an image with an unusual name from
    /// a video, and to read back markings whatever the file is called.
    /// </summary>
    public static ImageFormat? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (head.Length >= 8 && head[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }

        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        if (head.Length >= 2 && head[0] == (byte)'B' && head[1] == (byte)'M')
        {
            return ImageFormat.Bmp;
        }

        if (head.Length >= 4 && ((head[0] == (byte)'I' && head[1] == (byte)'I' && head[2] == 42 && head[3] == 0)
            || (head[0] == (byte)'M' && head[1] == (byte)'M' && head[2] == 0 && head[3] == 42)))
        {
            return ImageFormat.Tiff;
        }

        return null;
    }

    /// <summary>The format of a file on disk by its first bytes (null if unreadable or not an image).</summary>
    public static ImageFormat? SniffFile(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> head = stackalloc byte[16];
            var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return Sniff(head[..read]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The format's name for messages: JPEG, PNG, WebP, BMP, TIFF.</summary>
    public static string Name(ImageFormat format) => format == ImageFormat.WebP ? "WebP" : format.ToString().ToUpperInvariant();

    /// <summary>Whether the format can hold an alpha channel (PNG, WebP, TIFF).</summary>
    public static bool KeepsAlpha(ImageFormat format) => format is ImageFormat.Png or ImageFormat.WebP or ImageFormat.Tiff;

    /// <summary>The extension OpenCV's encoder is asked for.</summary>
    public static string EncoderExtension(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => ".jpg",
        ImageFormat.Png => ".png",
        ImageFormat.WebP => ".webp",
        ImageFormat.Bmp => ".bmp",
        _ => ".tif",
    };

    public static ImageEncodingParam[] EncoderParameters(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => [new(ImwriteFlags.JpegQuality, JpegQuality)],
        ImageFormat.Png => [new(ImwriteFlags.PngCompression, 6)],
        ImageFormat.WebP => [new(ImwriteFlags.WebPQuality, WebpQuality)],
        _ => [],
    };

    /// <summary>What the format carries of the AI-stylized marking (for notices and the docs).</summary>
    public static bool CarriesMarking(ImageFormat format) => format != ImageFormat.Bmp;
}
