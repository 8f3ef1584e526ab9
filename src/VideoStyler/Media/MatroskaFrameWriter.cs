using System.Buffers.Binary;
using System.Text;

namespace VideoStyler.Media;

/// <summary>
/// Writes uncompressed BGR24 frames with their presentation timestamps as a minimal live Matroska
/// stream for ffmpeg to read from a pipe: one video track (V_MS/VFW/FOURCC with a top-down
/// BITMAPINFOHEADER, the form ffmpeg itself uses for raw RGB in Matroska), an unknown-size Segment,
/// and one Cluster per frame holding one SimpleBlock. Timestamps are milliseconds. The per-frame
/// header is built in a preallocated buffer; the frame's pixels are written by the caller as they are.
/// </summary>
internal sealed class MatroskaFrameWriter
{
    /// <summary>Bytes of Matroska framing before each frame's pixels.</summary>
    public const int FrameHeaderLength = 35;

    private const string CodecVfw = "V_MS/VFW/FOURCC";

    private readonly byte[] _frameHeader = new byte[FrameHeaderLength];
    private readonly int _width;
    private readonly int _height;
    private readonly int _frameBytes;
    private readonly double _framesPerSecond;

    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="framesPerSecond">
    /// The nominal (average) rate, written as the track's default frame duration so ffmpeg knows the
    /// stream's rate (the output's stated rate, the last frame's duration); 0 when unknown. The
    /// frames' own timestamps still decide when each one is shown.
    /// </param>
    public MatroskaFrameWriter(int width, int height, double framesPerSecond = 0)
    {
        _framesPerSecond = framesPerSecond;
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        _width = width;
        _height = height;
        _frameBytes = width * height * 3;
    }

    /// <summary>EBML header, Segment start, Info and Tracks: written once, before the first frame.</summary>
    public byte[] BuildStreamHeader()
    {
        Span<byte> scratch = stackalloc byte[512];
        using var buffer = new MemoryStream();

        // EBML header.
        var n = 0;
        n += Ebml.WriteUnsigned(scratch[n..], Ebml.EbmlVersion, 1);
        n += Ebml.WriteUnsigned(scratch[n..], Ebml.EbmlReadVersion, 1);
        n += Ebml.WriteUnsigned(scratch[n..], Ebml.EbmlMaxIdLength, 4);
        n += Ebml.WriteUnsigned(scratch[n..], Ebml.EbmlMaxSizeLength, 8);
        n += Ebml.WriteBytes(scratch[n..], Ebml.DocType, "matroska"u8);
        n += Ebml.WriteUnsigned(scratch[n..], Ebml.DocTypeVersion, 4);
        n += Ebml.WriteUnsigned(scratch[n..], Ebml.DocTypeReadVersion, 2);
        WriteMaster(buffer, Ebml.EbmlHeader, scratch[..n]);

        // Segment of unknown size: the stream ends when the pipe closes.
        Span<byte> segment = stackalloc byte[12];
        buffer.Write(segment[..Ebml.WriteMasterHeader(segment, Ebml.Segment, Ebml.UnknownSize)]);

        // Info: timestamps in milliseconds.
        var app = Encoding.ASCII.GetBytes("VideoStyler");
        n = 0;
        n += Ebml.WriteUnsigned(scratch[n..], Ebml.TimestampScale, 1_000_000);
        n += Ebml.WriteBytes(scratch[n..], Ebml.MuxingApp, app);
        n += Ebml.WriteBytes(scratch[n..], Ebml.WritingApp, app);
        WriteMaster(buffer, Ebml.Info, scratch[..n]);

        // Tracks > TrackEntry > Video.
        Span<byte> video = stackalloc byte[64];
        var v = Ebml.WriteUnsigned(video, Ebml.PixelWidth, (ulong)_width);
        v += Ebml.WriteUnsigned(video[v..], Ebml.PixelHeight, (ulong)_height);
        Span<byte> entry = stackalloc byte[256];
        var e = 0;
        e += Ebml.WriteUnsigned(entry[e..], Ebml.TrackNumber, 1);
        e += Ebml.WriteUnsigned(entry[e..], Ebml.TrackUid, 1);
        e += Ebml.WriteUnsigned(entry[e..], Ebml.TrackType, 1);
        e += Ebml.WriteUnsigned(entry[e..], Ebml.FlagLacing, 0);
        if (_framesPerSecond is > 0 and < 1000)
        {
            e += Ebml.WriteUnsigned(entry[e..], Ebml.DefaultDuration, (ulong)Math.Round(1e9 / _framesPerSecond));
        }

        e += Ebml.WriteBytes(entry[e..], Ebml.CodecId, Encoding.ASCII.GetBytes(CodecVfw));
        e += Ebml.WriteBytes(entry[e..], Ebml.CodecPrivate, BitmapInfoHeader());
        e += Ebml.WriteMasterHeader(entry[e..], Ebml.Video, v);
        video[..v].CopyTo(entry[e..]);
        e += v;
        n = Ebml.WriteMasterHeader(scratch, Ebml.TrackEntry, e);
        entry[..e].CopyTo(scratch[n..]);
        n += e;
        WriteMaster(buffer, Ebml.Tracks, scratch[..n]);
        return buffer.ToArray();
    }

    /// <summary>
    /// The framing that goes before one frame's pixels: a Cluster at the frame's time holding one
    /// key-frame SimpleBlock. Valid until the next call (the buffer is reused).
    /// </summary>
    public ReadOnlyMemory<byte> FrameHeader(long timestampMs)
    {
        var span = _frameHeader.AsSpan();
        const int timestampElement = 10;
        const int blockHeader = 1 + 8 + 4;
        var n = Ebml.WriteMasterHeader(span, Ebml.Cluster, timestampElement + blockHeader + _frameBytes);
        n += Ebml.WriteUnsigned(span[n..], Ebml.Timestamp, (ulong)Math.Max(0, timestampMs));
        n += Ebml.WriteId(span[n..], Ebml.SimpleBlock);
        n += Ebml.WriteSize8(span[n..], 4 + _frameBytes);
        span[n++] = 0x81; // track 1
        span[n++] = 0; // timestamp relative to the cluster: 0
        span[n++] = 0;
        span[n++] = 0x80; // key frame, no lacing
        return _frameHeader.AsMemory(0, n);
    }

    private byte[] BitmapInfoHeader()
    {
        var header = new byte[40];
        var span = header.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, 40);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], _width);
        // Negative height: rows top-down, as they are in memory.
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], -_height);
        BinaryPrimitives.WriteInt16LittleEndian(span[12..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[14..], 24);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 0); // BI_RGB
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], _frameBytes);
        return header;
    }

    private static void WriteMaster(Stream buffer, uint id, ReadOnlySpan<byte> children)
    {
        Span<byte> head = stackalloc byte[12];
        buffer.Write(head[..Ebml.WriteMasterHeader(head, id, children.Length)]);
        buffer.Write(children);
    }
}
