using System.Buffers.Binary;
using System.Text;

namespace VideoStyler.Stills;

/// <summary>
/// The few things we need from TIFF's structure (TIFF 6.0: a byte-order mark, 42, the offset of the
/// first IFD; an IFD is a count, 12-byte entries sorted by tag, the next IFD's offset), which is also
/// how EXIF blocks are laid out: read a tag of the first IFD, and write a first IFD with tags added.
/// </summary>
internal static class TiffStructure
{
    public const ushort OrientationTag = 274;
    public const ushort ImageDescriptionTag = 270;
    public const ushort SoftwareTag = 305;
    public const ushort XmpTag = 700;

    private const ushort TypeByte = 1;
    private const ushort TypeAscii = 2;
    private const ushort TypeShort = 3;
    private const ushort TypeLong = 4;

    /// <summary>Whether <paramref name="data"/> starts with a classic TIFF header; says its byte order.</summary>
    public static bool TryHeader(ReadOnlySpan<byte> data, out bool littleEndian, out uint firstIfd)
    {
        littleEndian = false;
        firstIfd = 0;
        if (data.Length < 8)
        {
            return false;
        }

        if (data[0] == (byte)'I' && data[1] == (byte)'I')
        {
            littleEndian = true;
        }
        else if (!(data[0] == (byte)'M' && data[1] == (byte)'M'))
        {
            return false;
        }

        if (U16(data[2..], littleEndian) != 42)
        {
            return false;
        }

        firstIfd = U32(data[4..], littleEndian);
        return firstIfd >= 8 && firstIfd + 2 <= (uint)data.Length;
    }

    /// <summary>A SHORT (or LONG) tag's first value in the first IFD, or null.</summary>
    public static uint? ReadNumber(ReadOnlySpan<byte> data, ushort tag)
    {
        if (!TryHeader(data, out var le, out var ifd))
        {
            return null;
        }

        foreach (var (entryTag, type, _, valueField) in Entries(data, le, ifd))
        {
            if (entryTag == tag)
            {
                return type switch
                {
                    TypeShort => U16(data.Slice(valueField, 2), le),
                    TypeLong => U32(data.Slice(valueField, 4), le),
                    _ => null,
                };
            }
        }

        return null;
    }

    /// <summary>A BYTE/ASCII/UNDEFINED tag's bytes in the first IFD (trailing NULs removed), or null.</summary>
    public static byte[]? ReadBytes(ReadOnlySpan<byte> data, ushort tag)
    {
        if (!TryHeader(data, out var le, out var ifd))
        {
            return null;
        }

        foreach (var (entryTag, type, count, valueField) in Entries(data, le, ifd))
        {
            if (entryTag != tag || type is not (TypeByte or TypeAscii or 7) || count > int.MaxValue)
            {
                continue;
            }

            var offset = count <= 4 ? (uint)valueField : U32(data.Slice(valueField, 4), le);
            if (offset + count > (uint)data.Length)
            {
                return null;
            }

            return data.Slice((int)offset, (int)count).ToArray().AsSpan().TrimEnd((byte)0).ToArray();
        }

        return null;
    }

    /// <summary>
    /// A copy of the TIFF file with the first IFD rewritten at the end of the file: its entries, less
    /// any with the tags given, plus the given ASCII/BYTE tags; the old IFD stays as unused bytes and
    /// all other data keeps its offsets.
    /// </summary>
    public static byte[] WithTags(ReadOnlySpan<byte> data, IReadOnlyList<(ushort Tag, bool Ascii, byte[] Value)> tags)
    {
        if (!TryHeader(data, out var le, out var ifd))
        {
            throw new InvalidDataException("not a TIFF file");
        }

        var replaced = tags.Select(t => t.Tag).ToHashSet();
        var kept = new List<(ushort Tag, byte[] Entry)>();
        foreach (var (tag, _, _, valueField) in Entries(data, le, ifd))
        {
            if (!replaced.Contains(tag))
            {
                kept.Add((tag, data.Slice(valueField - 8, 12).ToArray()));
            }
        }

        var entriesEnd = ifd + 2 + (12 * U16(data.Slice((int)ifd, 2), le));
        var nextIfd = U32(data.Slice((int)entriesEnd, 4), le);

        using var output = new MemoryStream();
        output.Write(data);
        Pad(output);
        var added = new List<(ushort Tag, byte[] Entry)>();
        foreach (var (tag, ascii, value) in tags)
        {
            var bytes = ascii ? [.. value, 0] : value;
            var entry = new byte[12];
            Put16(entry, tag, le);
            Put16(entry.AsSpan(2), ascii ? TypeAscii : TypeByte, le);
            Put32(entry.AsSpan(4), (uint)bytes.Length, le);
            if (bytes.Length <= 4)
            {
                bytes.CopyTo(entry, 8);
            }
            else
            {
                Put32(entry.AsSpan(8), (uint)output.Position, le);
                output.Write(bytes);
                Pad(output);
            }

            added.Add((tag, entry));
        }

        var all = kept.Concat(added).OrderBy(e => e.Tag).ToList();
        var newIfd = (uint)output.Position;
        Span<byte> word = stackalloc byte[4];
        Put16(word, (ushort)all.Count, le);
        output.Write(word[..2]);
        foreach (var (_, entry) in all)
        {
            output.Write(entry);
        }

        Put32(word, nextIfd, le);
        output.Write(word);
        var result = output.ToArray();
        Put32(result.AsSpan(4), newIfd, le);
        return result;
    }

    /// <summary>ASCII for a TIFF ASCII field: anything outside printable 7-bit becomes '?'.</summary>
    public static byte[] Ascii(string text) => [.. text.Select(c => c is >= ' ' and <= '~' ? (byte)c : (byte)'?')];

    public static string Text(byte[] value) => Encoding.UTF8.GetString(value);

    private static List<(ushort Tag, ushort Type, uint Count, int ValueField)> Entries(ReadOnlySpan<byte> data, bool le, uint ifd)
    {
        var list = new List<(ushort, ushort, uint, int)>();
        var count = U16(data.Slice((int)ifd, 2), le);
        for (var i = 0; i < count; i++)
        {
            var at = (int)ifd + 2 + (12 * i);
            if (at + 12 > data.Length)
            {
                break;
            }

            list.Add((U16(data[at..], le), U16(data[(at + 2)..], le), U32(data[(at + 4)..], le), at + 8));
        }

        return list;
    }

    private static void Pad(MemoryStream stream)
    {
        if (stream.Position % 2 == 1)
        {
            stream.WriteByte(0);
        }
    }

    private static ushort U16(ReadOnlySpan<byte> b, bool le) => le ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    private static uint U32(ReadOnlySpan<byte> b, bool le) => le ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);

    private static void Put16(Span<byte> b, ushort v, bool le)
    {
        if (le)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(b, v);
        }
    }

    private static void Put32(Span<byte> b, uint v, bool le)
    {
        if (le)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(b, v);
        }
    }
}
