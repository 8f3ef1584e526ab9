using System.Text;
using OpenCvSharp;
using VideoStyler.Stills;

namespace VideoStyler.Tests.Stills;

/// <summary>The metadata code on files made by OpenCV's real encoders: written, still decodable, read back.</summary>
public class ImageMetadataTests
{
    private const string Marking = "AI-stylized by VideoStyler 9.9.9; style: Hokusaï « great wave » & <co>";

    [Fact]
    public void Png_crc_is_the_standard_crc32()
    {
        // The CRC-32 check value of "123456789", and the CRC every PNG's IEND chunk carries.
        Assert.Equal(0xCBF43926u, PngChunks.Crc32("123456789"u8));
        Assert.Equal(0xAE426082u, PngChunks.Crc32("IEND"u8));
    }

    [Theory]
    [InlineData(nameof(ImageFormat.Png), false)]
    [InlineData(nameof(ImageFormat.Png), true)]
    [InlineData(nameof(ImageFormat.Jpeg), false)]
    [InlineData(nameof(ImageFormat.WebP), false)]
    [InlineData(nameof(ImageFormat.WebP), true)]
    [InlineData(nameof(ImageFormat.Tiff), false)]
    [InlineData(nameof(ImageFormat.Tiff), true)]
    public void The_marking_is_read_back_and_the_file_still_decodes_to_the_same_picture(string formatName, bool alpha)
    {
        // By name: the theory is public, the image formats are internal.
        var format = Enum.Parse<ImageFormat>(formatName);
        using var cat = TestImages.Cat(97, 61);
        using var opaque = new Mat(cat.Size(), MatType.CV_8UC1, Scalar.All(255));
        using var mask = alpha ? opaque.Clone() : null;
        mask?[new Rect(0, 0, 40, 61)].SetTo(Scalar.All(0));

        var marked = StillStylizer.Encode(cat, mask, format, Marking);
        var plain = ImageFormats.EncoderParameters(format);
        using var withAlpha = mask is null ? cat.Clone() : new Mat();
        if (mask is not null)
        {
            Cv2.Merge([.. Cv2.Split(cat), mask], withAlpha);
        }

        Cv2.ImEncode(ImageFormats.EncoderExtension(format), withAlpha, out var unmarked, plain);

        Assert.Equal(format, ImageFormats.Sniff(marked));
        var found = ImageMarking.Read(marked);
        Assert.NotNull(found);
        Assert.Equal(Marking, found.Value.Marking); // TIFF too: its UTF-8 XMP is read before the ASCII description
        Assert.Null(ImageMarking.Read(unmarked));

        using var fromMarked = Cv2.ImDecode(marked, ImreadModes.Unchanged);
        using var fromPlain = Cv2.ImDecode(unmarked, ImreadModes.Unchanged);
        Assert.Equal((97, 61, alpha ? 4 : 3), (fromMarked.Width, fromMarked.Height, fromMarked.Channels()));
        Assert.Equal(0, Cv2.Norm(fromMarked, fromPlain, NormTypes.INF));
    }

    [Fact]
    public void Jpeg_gets_a_comment_and_xmp_after_the_jfif_header()
    {
        using var cat = TestImages.Cat(64, 48);
        var marked = StillStylizer.Encode(cat, null, ImageFormat.Jpeg, Marking);

        var segments = JpegSegments.Read(marked).ToList();
        Assert.Equal(0xE0, segments[0].Marker); // JFIF stays first
        Assert.Contains(segments, s => s.Marker == JpegSegments.Com && Encoding.UTF8.GetString(s.Payload) == Marking);
        var xmp = segments.Single(s => s.Marker == JpegSegments.App1).Payload;
        var packet = Encoding.UTF8.GetString(xmp);
        Assert.StartsWith("http://ns.adobe.com/xap/1.0/\0", packet);
        Assert.Contains(XmpPacket.DigitalSourceType, packet);
        Assert.True(JpegSegments.EndsWithEoi(marked));
    }

    [Fact]
    public void Png_text_chunks_come_right_after_the_header()
    {
        using var cat = TestImages.Cat(64, 48);
        var marked = StillStylizer.Encode(cat, null, ImageFormat.Png, Marking);

        var chunks = PngChunks.Read(marked).Select(c => c.Type).ToList();
        Assert.Equal(["IHDR", "tEXt", "iTXt", "iTXt"], chunks.Take(4), StringComparer.Ordinal);
        Assert.Equal("IEND", chunks[^1]);
        var texts = PngChunks.ReadText(marked);
        Assert.Contains(("Comment", Marking), texts);
        Assert.Contains(texts, t => t.Keyword == "Software" && t.Text.StartsWith("VideoStyler ", StringComparison.Ordinal));
    }

    [Fact]
    public void Tiff_description_is_ascii_and_the_xmp_keeps_the_full_text()
    {
        using var cat = TestImages.Cat(64, 48);
        var marked = StillStylizer.Encode(cat, null, ImageFormat.Tiff, Marking);

        var description = Encoding.ASCII.GetString(TiffStructure.ReadBytes(marked, TiffStructure.ImageDescriptionTag)!);
        Assert.Equal("AI-stylized by VideoStyler 9.9.9; style: Hokusa? ? great wave ? & <co>", description);
        Assert.Equal(Marking, XmpPacket.ReadDescription(TiffStructure.ReadBytes(marked, TiffStructure.XmpTag)!));
        Assert.Equal(64u, TiffStructure.ReadNumber(marked, 256)); // ImageWidth survives the IFD rewrite
    }

    [Theory]
    [InlineData(".png", 3)]
    [InlineData(".jpg", 3)]
    [InlineData(".bmp", 3)]
    [InlineData(".tif", 3)]
    [InlineData(".webp", 3)]   // lossy: VP8
    [InlineData(".webp", 4)]   // lossy with alpha: VP8X
    [InlineData(".webp:lossless", 3)] // VP8L
    public void The_header_gives_the_size_without_decoding(string kind, int channels)
    {
        using var cat = TestImages.Cat(151, 101);
        using var picture = channels == 4 ? cat.CvtColor(ColorConversionCodes.BGR2BGRA) : cat.Clone();
        var extension = kind.Split(':')[0];
        ImageEncodingParam[] parameters = kind.EndsWith(":lossless", StringComparison.Ordinal) ? [new(ImwriteFlags.WebPQuality, 101)] : [];
        Cv2.ImEncode(extension, picture, out var bytes, parameters);

        var format = ImageFormats.Sniff(bytes)!.Value;

        Assert.Equal((151L, 101L), ImageHeader.TryReadSize(bytes, format));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(8)]
    public void Orientation_is_read_from_a_big_endian_exif_block(int orientation)
    {
        using var temp = new Support.TempFolder();
        var dir = temp.Path;
        using var cat = TestImages.Cat(40, 30);
        var path = TestImages.JpegWithOrientation(dir, "o.jpg", cat, orientation);

        Assert.Equal(orientation, ExifOrientation.Read(File.ReadAllBytes(path), ImageFormat.Jpeg));
    }
}
