using System.Buffers.Binary;

namespace VideoStyler.Media;

/// <summary>
/// The few EBML/Matroska facts the frame pipes need: element IDs and the variable-length integer
/// (vint) coding of IDs and sizes (RFC 8794, RFC 9559). IDs are kept with their length marker bits,
/// as they appear in the file.
/// </summary>
internal static class Ebml
{
    public const uint EbmlHeader = 0x1A45DFA3;
    public const uint EbmlVersion = 0x4286;
    public const uint EbmlReadVersion = 0x42F7;
    public const uint EbmlMaxIdLength = 0x42F2;
    public const uint EbmlMaxSizeLength = 0x42F3;
    public const uint DocType = 0x4282;
    public const uint DocTypeVersion = 0x4287;
    public const uint DocTypeReadVersion = 0x4285;

    public const uint Segment = 0x18538067;
    public const uint Info = 0x1549A966;
    public const uint TimestampScale = 0x2AD7B1;
    public const uint MuxingApp = 0x4D80;
    public const uint WritingApp = 0x5741;
    public const uint Tracks = 0x1654AE6B;
    public const uint TrackEntry = 0xAE;
    public const uint TrackNumber = 0xD7;
    public const uint TrackUid = 0x73C5;
    public const uint TrackType = 0x83;
    public const uint FlagLacing = 0x9C;
    public const uint DefaultDuration = 0x23E383;
    public const uint CodecId = 0x86;
    public const uint CodecPrivate = 0x63A2;
    public const uint Video = 0xE0;
    public const uint PixelWidth = 0xB0;
    public const uint PixelHeight = 0xBA;
    public const uint Cluster = 0x1F43B675;
    public const uint Timestamp = 0xE7;
    public const uint SimpleBlock = 0xA3;
    public const uint BlockGroup = 0xA0;
    public const uint Block = 0xA1;

    /// <summary>A size whose value bits are all ones: "unknown" (a live stream's Segment or Cluster).</summary>
    public const long UnknownSize = -1;

    /// <summary>Length in bytes of a vint, from its first byte (0 when the byte is not a valid start).</summary>
    public static int VintLength(byte first) => first == 0 ? 0 : System.Numerics.BitOperations.LeadingZeroCount((uint)first) - 23;

    /// <summary>An element ID: its bytes as they are, marker included.</summary>
    public static uint ReadId(ReadOnlySpan<byte> bytes)
    {
        uint id = 0;
        foreach (var b in bytes)
        {
            id = (id << 8) | b;
        }

        return id;
    }

    /// <summary>A size: the marker bit removed; all value bits set means <see cref="UnknownSize"/>.</summary>
    public static long ReadSize(ReadOnlySpan<byte> bytes)
    {
        var length = bytes.Length;
        long value = bytes[0] & (0xFF >> length);
        var allOnes = value == (0xFF >> length);
        for (var i = 1; i < length; i++)
        {
            value = (value << 8) | bytes[i];
            allOnes &= bytes[i] == 0xFF;
        }

        return allOnes ? UnknownSize : value;
    }

    /// <summary>Big-endian unsigned integer of 0..8 bytes.</summary>
    public static ulong ReadUnsigned(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    /// <summary>Writes an ID (1-4 bytes, as they appear in the file); returns the bytes written.</summary>
    public static int WriteId(Span<byte> destination, uint id)
    {
        var length = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
        for (var i = 0; i < length; i++)
        {
            destination[i] = (byte)(id >> (8 * (length - 1 - i)));
        }

        return length;
    }

    /// <summary>Writes a size as an 8-byte vint (fixed length keeps headers a constant size).</summary>
    public static int WriteSize8(Span<byte> destination, long size)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, (ulong)size | (1UL << 56));
        return 8;
    }

    /// <summary>The 8-byte "unknown size" vint.</summary>
    public static int WriteUnknownSize(Span<byte> destination)
    {
        destination[0] = 0x01;
        destination.Slice(1, 7).Fill(0xFF);
        return 8;
    }

    /// <summary>Writes an unsigned-integer element (ID, 1-byte size, 8-byte big-endian value).</summary>
    public static int WriteUnsigned(Span<byte> destination, uint id, ulong value)
    {
        var n = WriteId(destination, id);
        destination[n++] = 0x88;
        BinaryPrimitives.WriteUInt64BigEndian(destination[n..], value);
        return n + 8;
    }

    /// <summary>Writes a binary or ASCII element with a 1-byte size (payloads under 127 bytes).</summary>
    public static int WriteBytes(Span<byte> destination, uint id, ReadOnlySpan<byte> payload)
    {
        if (payload.Length >= 127)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), "short elements only");
        }

        var n = WriteId(destination, id);
        destination[n++] = (byte)(0x80 | payload.Length);
        payload.CopyTo(destination[n..]);
        return n + payload.Length;
    }

    /// <summary>Writes a master element's header with an 8-byte size; the caller writes the children.</summary>
    public static int WriteMasterHeader(Span<byte> destination, uint id, long size)
    {
        var n = WriteId(destination, id);
        return n + (size == UnknownSize ? WriteUnknownSize(destination[n..]) : WriteSize8(destination[n..], size));
    }
}
