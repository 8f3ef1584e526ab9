namespace VideoStyler.Media;

/// <summary>
/// Reads fixed-size uncompressed video frames and their presentation timestamps from a Matroska
/// stream as ffmpeg writes it to a pipe (one video track, unknown-size Segment, Clusters of
/// SimpleBlocks or BlockGroups). Frame data is read straight into the caller's buffer; every other
/// element is skipped through a small fixed buffer, so reading allocates nothing per frame.
/// Reads block: ffmpeg decodes far ahead of inference, so a frame is normally in the pipe already; an
/// asynchronous read on these pipes (Unix domain sockets) allocates its state machine whenever it waits.
/// </summary>
internal sealed class MatroskaFrameReader
{
    private readonly Stream _stream;
    private readonly byte[] _header = new byte[16];
    private readonly byte[] _skip = new byte[16 * 1024];
    private long _clusterTimestamp;
    private long _timestampScale = 1_000_000;

    public MatroskaFrameReader(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Set when the stream ended inside an element (a truncated frame).</summary>
    public bool EndedMidElement { get; private set; }

    /// <summary>
    /// Reads the next frame into <paramref name="destination"/> (its length is the frame size) and
    /// returns its presentation time in milliseconds, or null at the end of the stream.
    /// </summary>
    public long? ReadFrame(Span<byte> destination)
    {
        while (true)
        {
            // Element ID.
            if (!Fill(0, 1, atElementStart: true))
            {
                return null;
            }

            var idLength = Ebml.VintLength(_header[0]);
            if (idLength is 0 or > 4 || !Fill(1, idLength - 1, atElementStart: false))
            {
                return Invalid(idLength is 0 or > 4);
            }

            var id = Ebml.ReadId(_header.AsSpan(0, idLength));

            // Element size.
            if (!Fill(0, 1, atElementStart: false))
            {
                return Invalid(false);
            }

            var sizeLength = Ebml.VintLength(_header[0]);
            if (sizeLength == 0 || !Fill(1, sizeLength - 1, atElementStart: false))
            {
                return Invalid(sizeLength == 0);
            }

            var size = Ebml.ReadSize(_header.AsSpan(0, sizeLength));
            switch (id)
            {
                // Masters whose children we want: read on into them.
                case Ebml.Segment or Ebml.Cluster or Ebml.BlockGroup or Ebml.Info:
                    continue;
                case Ebml.Timestamp or Ebml.TimestampScale when size is > 0 and <= 8:
                    if (!Fill(0, (int)size, atElementStart: false))
                    {
                        return Invalid(false);
                    }

                    var value = (long)Ebml.ReadUnsigned(_header.AsSpan(0, (int)size));
                    if (id == Ebml.Timestamp)
                    {
                        _clusterTimestamp = value;
                    }
                    else if (value > 0)
                    {
                        _timestampScale = value;
                    }

                    continue;
                case Ebml.SimpleBlock or Ebml.Block:
                    return ReadBlock(size, destination);
                default:
                    if (size == Ebml.UnknownSize)
                    {
                        throw new InvalidDataException($"unexpected unknown-size Matroska element 0x{id:X}");
                    }

                    if (!Skip(size))
                    {
                        return Invalid(false);
                    }

                    continue;
            }
        }
    }

    private long? ReadBlock(long size, Span<byte> destination)
    {
        // Track number (a vint, 1 byte for track 1), 16-bit signed relative timestamp, flags.
        if (!Fill(0, 1, atElementStart: false))
        {
            return Invalid(false);
        }

        var trackLength = Ebml.VintLength(_header[0]);
        if (trackLength is 0 or > 8 || !Fill(1, trackLength - 1 + 3, atElementStart: false))
        {
            return Invalid(trackLength is 0 or > 8);
        }

        var relative = (short)((_header[trackLength] << 8) | _header[trackLength + 1]);
        var flags = _header[trackLength + 2];
        var payload = size - trackLength - 3;
        if ((flags & 0x06) != 0)
        {
            throw new InvalidDataException("laced Matroska blocks are not expected for raw video");
        }

        if (payload != destination.Length)
        {
            throw new InvalidDataException($"a raw video frame of {payload} bytes where {destination.Length} were expected");
        }

        var read = _stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        if (read < destination.Length)
        {
            EndedMidElement = true;
            return null;
        }

        var ticks = _clusterTimestamp + relative;
        return _timestampScale == 1_000_000 ? ticks : (long)Math.Round(ticks * (_timestampScale / 1e6));
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes into the header buffer at <paramref name="offset"/>.</summary>
    private bool Fill(int offset, int count, bool atElementStart)
    {
        if (count == 0)
        {
            return true;
        }

        var read = _stream.ReadAtLeast(_header.AsSpan(offset, count), count, throwOnEndOfStream: false);
        if (read == count)
        {
            return true;
        }

        // Nothing at all where an element would start is the clean end of the stream.
        EndedMidElement |= !(atElementStart && read == 0);
        return false;
    }

    private bool Skip(long size)
    {
        while (size > 0)
        {
            var chunk = (int)Math.Min(size, _skip.Length);
            var read = _stream.ReadAtLeast(_skip.AsSpan(0, chunk), chunk, throwOnEndOfStream: false);
            if (read < chunk)
            {
                EndedMidElement = true;
                return false;
            }

            size -= chunk;
        }

        return true;
    }

    private static long? Invalid(bool badCoding) =>
        badCoding ? throw new InvalidDataException("the frame stream is not valid Matroska") : null;
}
