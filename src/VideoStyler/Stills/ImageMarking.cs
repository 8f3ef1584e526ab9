using System.Text;

namespace VideoStyler.Stills;

/// <summary>
/// The AI-stylized marking in a still image's metadata, written and read with our own code:
/// - PNG: an iTXt "Comment" chunk (UTF-8), a tEXt "Software" chunk and an iTXt "XML:com.adobe.xmp" XMP packet;
/// - JPEG: a COM segment (UTF-8) and an APP1 XMP segment;
/// - WebP: an XMP chunk (the file becomes the extended VP8X format);
/// - TIFF: ImageDescription (270, ASCII), Software (305) and XMP (700) tags;
/// - BMP: no metadata block exists: nothing (a notice says so).
/// The XMP packet (<see cref="XmpPacket"/>) also carries the IPTC digital source type.
/// </summary>
internal static class ImageMarking
{
    /// <summary>The start of every marking (also of the videos' comment tag).</summary>
    public const string Prefix = "AI-stylized by VideoStyler";

    /// <summary>Adds the marking to an encoded image of <paramref name="format"/>; BMP comes back unchanged.</summary>
    public static byte[] Write(byte[] encoded, ImageFormat format, string marking, string toolVersion, int width, int height, bool hasAlpha)
    {
        var creator = $"VideoStyler {toolVersion}";
        var xmp = XmpPacket.Build(marking, creator);
        return format switch
        {
            ImageFormat.Png => PngChunks.InsertAfterHeader(encoded, [
                ("tEXt", PngChunks.Text("Software", creator)),
                ("iTXt", PngChunks.InternationalText("Comment", marking)),
                ("iTXt", PngChunks.InternationalText("XML:com.adobe.xmp", Encoding.UTF8.GetString(xmp))),
            ]),
            ImageFormat.Jpeg => JpegSegments.Insert(encoded, [
                (JpegSegments.Com, Encoding.UTF8.GetBytes(marking)),
                (JpegSegments.App1, [.. JpegSegments.XmpPrefix, .. xmp]),
            ]),
            ImageFormat.WebP => WebpChunks.WithXmp(encoded, width, height, hasAlpha, xmp),
            ImageFormat.Tiff => TiffStructure.WithTags(encoded, [
                (TiffStructure.ImageDescriptionTag, true, TiffStructure.Ascii(marking)),
                (TiffStructure.SoftwareTag, true, TiffStructure.Ascii(creator)),
                (TiffStructure.XmpTag, false, xmp),
            ]),
            _ => encoded,
        };
    }

    /// <summary>
    /// The marking found in an image file's metadata (the first text that starts with <see cref="Prefix"/>:
    /// comment, then XMP description), with where it was found; null when there is none.
    /// </summary>
    public static (string Marking, string Where)? Read(byte[] file)
    {
        var candidates = new List<(string Text, string Where)>();
        switch (ImageFormats.Sniff(file))
        {
            case ImageFormat.Png:
                foreach (var (keyword, text) in PngChunks.ReadText(file))
                {
                    candidates.Add(keyword == "XML:com.adobe.xmp"
                        ? (XmpPacket.ReadDescription(Encoding.UTF8.GetBytes(text)) ?? "", "PNG XMP")
                        : (text, $"PNG text chunk '{keyword}'"));
                }

                break;
            case ImageFormat.Jpeg:
                foreach (var (marker, payload) in JpegSegments.Read(file))
                {
                    if (marker == JpegSegments.Com)
                    {
                        candidates.Add((Encoding.UTF8.GetString(payload), "JPEG comment (COM)"));
                    }
                    else if (marker == JpegSegments.App1 && payload.AsSpan().StartsWith(JpegSegments.XmpPrefix))
                    {
                        candidates.Add((XmpPacket.ReadDescription(payload[JpegSegments.XmpPrefix.Length..]) ?? "", "JPEG XMP (APP1)"));
                    }
                }

                break;
            case ImageFormat.WebP:
                foreach (var (fourCc, data) in WebpChunks.Read(file))
                {
                    if (fourCc == "XMP ")
                    {
                        candidates.Add((XmpPacket.ReadDescription(data) ?? "", "WebP XMP chunk"));
                    }
                }

                break;
            case ImageFormat.Tiff:
                if (TiffStructure.ReadBytes(file, TiffStructure.XmpTag) is { } packet)
                {
                    candidates.Add((XmpPacket.ReadDescription(packet) ?? "", "TIFF XMP tag"));
                }

                if (TiffStructure.ReadBytes(file, TiffStructure.ImageDescriptionTag) is { } description)
                {
                    candidates.Add((TiffStructure.Text(description), "TIFF ImageDescription tag"));
                }

                break;
        }

        foreach (var (text, where) in candidates)
        {
            if (text.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return (text, where);
            }
        }

        return null;
    }
}
