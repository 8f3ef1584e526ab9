using System.Buffers.Binary;

namespace VideoStyler.Stills;

/// <summary>
/// JPEG marker segments before the scan (ITU T.81: SOI, then segments of marker FF xx and a 2-byte
/// length that counts itself, until SOS): reads them, and inserts new ones after the APP0 (JFIF) header.
/// </summary>
internal static class JpegSegments
{
    public const byte Com = 0xFE;
    public const byte App1 = 0xE1;
    private const byte App0 = 0xE0;
    private const byte Sos = 0xDA;
    private const byte Eoi = 0xD9;

    /// <summary>"Exif\0\0": the prefix of an EXIF APP1 segment (a TIFF structure follows).</summary>
    public static ReadOnlySpan<byte> ExifPrefix => "Exif\0\0"u8;

    /// <summary>The namespace name plus NUL that starts an XMP APP1 segment.</summary>
    public static ReadOnlySpan<byte> XmpPrefix => "http://ns.adobe.com/xap/1.0/\0"u8;

    /// <summary>The segments before the first scan: marker and payload (without the length field).</summary>
    public static IEnumerable<(byte Marker, byte[] Payload)> Read(byte[] jpeg)
    {
        var at = 2;
        while (at + 4 <= jpeg.Length && jpeg[at] == 0xFF)
        {
            var marker = jpeg[at + 1];
            if (marker == 0xFF)
            {
                at++; // fill byte
                continue;
            }

            if (marker is Sos or Eoi)
            {
                yield break;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
            if (length < 2 || at + 2 + length > jpeg.Length)
            {
                yield break;
            }

            yield return (marker, jpeg.AsSpan(at + 4, length - 2).ToArray());
            at += 2 + length;
        }
    }

    /// <summary>Whether the file ends with the EOI marker (a cut-off download or copy does not).</summary>
    public static bool EndsWithEoi(ReadOnlySpan<byte> jpeg)
    {
        // Some writers pad after EOI: look at the last few bytes.
        var tail = jpeg[Math.Max(0, jpeg.Length - 64)..];
        for (var i = tail.Length - 2; i >= 0; i--)
        {
            if (tail[i] == 0xFF && tail[i + 1] == Eoi)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A copy with the segments inserted after SOI and any APP0 segments (JFIF stays first).</summary>
    public static byte[] Insert(byte[] jpeg, IEnumerable<(byte Marker, byte[] Payload)> segments)
    {
        var at = 2;
        while (at + 4 <= jpeg.Length && jpeg[at] == 0xFF && jpeg[at + 1] == App0)
        {
            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
        }

        using var output = new MemoryStream(jpeg.Length + 1024);
        output.Write(jpeg, 0, at);
        Span<byte> head = stackalloc byte[4];
        foreach (var (marker, payload) in segments)
        {
            if (payload.Length > ushort.MaxValue - 2)
            {
                throw new ArgumentException("a JPEG segment holds at most 65533 bytes", nameof(segments));
            }

            head[0] = 0xFF;
            head[1] = marker;
            BinaryPrimitives.WriteUInt16BigEndian(head[2..], (ushort)(payload.Length + 2));
            output.Write(head);
            output.Write(payload);
        }

        output.Write(jpeg, at, jpeg.Length - at);
        return output.ToArray();
    }
}
