using OpenCvSharp;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Stills;

/// <summary>Small real pictures for the still-image tests, written by OpenCV's encoders.</summary>
internal static class TestImages
{
    public static string SharedPhoto(string name) => Path.Combine(TestPaths.Shared, "photos", name);

    /// <summary>The cat photo scaled to an odd size (so exact-size bugs show), BGR.</summary>
    public static Mat Cat(int width = 151, int height = 101)
    {
        using var full = Cv2.ImRead(SharedPhoto("cat-chelsea.png"), ImreadModes.Color);
        return full.Resize(new Size(width, height), 0, 0, InterpolationFlags.Area);
    }

    /// <summary>Writes <paramref name="picture"/> with OpenCV's encoder for the path's extension.</summary>
    public static string Write(string folder, string name, Mat picture)
    {
        var path = Path.Combine(folder, name);
        Assert.True(Cv2.ImWrite(path, picture), $"OpenCV could not write {path}");
        return path;
    }

    /// <summary>
    /// A JPEG with an EXIF APP1 segment holding only the orientation tag, built byte by byte here
    /// (EXIF 2.3: "Exif\0\0", a big-endian TIFF header, one IFD with tag 0x0112 SHORT), right after SOI.
    /// </summary>
    public static string JpegWithOrientation(string folder, string name, Mat picture, int orientation)
    {
        Cv2.ImEncode(".jpg", picture, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, 95));
        byte[] exif =
        [
            (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, // TIFF header, IFD at 8
            0, 1,                                     // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte)orientation, 0, 0, // Orientation, SHORT, 1, value
            0, 0, 0, 0,                               // no next IFD
        ];
        var segmentLength = exif.Length + 2;
        byte[] file = [.. jpeg[..2], 0xFF, 0xE1, (byte)(segmentLength >> 8), (byte)segmentLength, .. exif, .. jpeg[2..]];
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, file);
        return path;
    }

    /// <summary>
    /// An uncompressed 8-bit grayscale TIFF with an orientation tag, built byte by byte here (TIFF 6.0:
    /// little-endian header, one IFD of ten SHORT/LONG entries in tag order, one strip of pixels).
    /// </summary>
    public static string TiffWithOrientation(string folder, string name, Mat gray, int orientation)
    {
        var (width, height) = (gray.Width, gray.Height);
        const int entries = 10;
        var dataOffset = 8 + 2 + (entries * 12) + 4;
        using var file = new MemoryStream();
        using var writer = new BinaryWriter(file);
        writer.Write("II"u8);
        writer.Write((ushort)42);
        writer.Write(8u);
        writer.Write((ushort)entries);
        void Entry(ushort tag, ushort type, uint value)
        {
            writer.Write(tag);
            writer.Write(type);
            writer.Write(1u);
            if (type == 3)
            {
                writer.Write((ushort)value);
                writer.Write((ushort)0);
            }
            else
            {
                writer.Write(value);
            }
        }

        Entry(256, 3, (uint)width);          // ImageWidth
        Entry(257, 3, (uint)height);         // ImageLength
        Entry(258, 3, 8);                    // BitsPerSample
        Entry(259, 3, 1);                    // Compression: none
        Entry(262, 3, 1);                    // PhotometricInterpretation: BlackIsZero
        Entry(273, 4, (uint)dataOffset);     // StripOffsets
        Entry(274, 3, (uint)orientation);    // Orientation
        Entry(277, 3, 1);                    // SamplesPerPixel
        Entry(278, 3, (uint)height);         // RowsPerStrip
        Entry(279, 4, (uint)(width * height)); // StripByteCounts
        writer.Write(0u);                    // no next IFD
        gray.GetArray(out byte[] pixels);
        writer.Write(pixels);
        writer.Flush();
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, file.ToArray());
        return path;
    }

    /// <summary>Every file name in the folder, hidden ones too (temporary outputs start with a dot).</summary>
    public static string[] FilesIn(string folder) =>
        [.. Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
}
