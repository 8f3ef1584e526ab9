using System.Buffers.Binary;

namespace VideoStyler.Stills;

/// <summary>
/// A still's width and height from its header alone (PNG IHDR, JPEG SOFn, WebP VP8X/VP8/VP8L, BMP
/// info header, TIFF tags 256/257), so a picture too large to decode safely is refused before a
/// gigabyte is spent on it.
/// </summary>
internal static class ImageHeader
{
    /// <summary>The (stored) size, or null when the header does not say.</summary>
    public static (long Width, long Height)? TryReadSize(byte[] file, ImageFormat format) => format switch
    {
        ImageFormat.Png => file.Length >= 24 ? (BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(16)), BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(20))) : null,
        ImageFormat.Jpeg => JpegSize(file),
        ImageFormat.WebP => WebpSize(file),
        ImageFormat.Bmp => file.Length >= 26 ? (Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(18))), Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(22)))) : null,
        ImageFormat.Tiff => TiffStructure.ReadNumber(file, 256) is { } w && TiffStructure.ReadNumber(file, 257) is { } h ? (w, h) : null,
        _ => null,
    };

    private static (long, long)? JpegSize(byte[] file)
    {
        // The SOF segments (C0-CF less C4 DHT, C8 JPG, CC DAC): precision, height, width.
        foreach (var (marker, payload) in JpegSegments.Read(file))
        {
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC && payload.Length >= 5)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(3)), BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(1)));
            }
        }

        return null;
    }

    private static (long, long)? WebpSize(byte[] file)
    {
        foreach (var (fourCc, data) in WebpChunks.Read(file))
        {
            switch (fourCc)
            {
                case "VP8X" when data.Length >= 10:
                    return (1 + (data[4] | (data[5] << 8) | (data[6] << 16)), 1 + (data[7] | (data[8] << 8) | (data[9] << 16)));
                case "VP8 " when data.Length >= 10:
                    // Key frame: 3-byte tag, start code 9D 01 2A, then 14-bit width and height.
                    return (BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(6)) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(8)) & 0x3FFF);
                case "VP8L" when data.Length >= 5:
                    // Signature 0x2F, then 14 bits width-1 and 14 bits height-1.
                    var bits = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(1));
                    return (1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF));
            }
        }

        return null;
    }
}
