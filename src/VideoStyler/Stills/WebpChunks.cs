using System.Buffers.Binary;
using System.Text;

namespace VideoStyler.Stills;

/// <summary>
/// WebP's RIFF container (Google's WebP container spec): "RIFF" size "WEBP", then chunks of FourCC,
/// little-endian size, data padded to even. Metadata (EXIF, XMP) needs the extended format: a VP8X
/// chunk first whose flags say which are present, with the canvas size.
/// </summary>
internal static class WebpChunks
{
    private const byte XmpFlag = 0x04;
    private const byte AlphaFlag = 0x10;

    public static IEnumerable<(string FourCc, byte[] Data)> Read(byte[] webp)
    {
        var at = 12;
        while (at + 8 <= webp.Length)
        {
            var size = BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(at + 4));
            if (size > (uint)(webp.Length - at - 8))
            {
                yield break;
            }

            yield return (Encoding.ASCII.GetString(webp, at, 4), webp.AsSpan(at + 8, (int)size).ToArray());
            at += 8 + (int)size + (int)(size & 1);
        }
    }

    /// <summary>
    /// A copy of a still WebP with an XMP chunk: a simple file (one VP8 or VP8L chunk) becomes an
    /// extended one (VP8X with the canvas size; the alpha flag when <paramref name="hasAlpha"/>).
    /// </summary>
    public static byte[] WithXmp(byte[] webp, int width, int height, bool hasAlpha, byte[] xmp)
    {
        var chunks = Read(webp).ToList();
        if (chunks.Count == 0)
        {
            throw new InvalidDataException("WebP without chunks");
        }

        chunks.RemoveAll(c => c.FourCc == "XMP ");
        if (chunks[0].FourCc == "VP8X")
        {
            var flags = chunks[0].Data.ToArray();
            flags[0] |= XmpFlag;
            chunks[0] = ("VP8X", flags);
        }
        else
        {
            var vp8x = new byte[10];
            vp8x[0] = (byte)(XmpFlag | (hasAlpha ? AlphaFlag : 0));
            Write24(vp8x.AsSpan(4), width - 1);
            Write24(vp8x.AsSpan(7), height - 1);
            chunks.Insert(0, ("VP8X", vp8x));
        }

        chunks.Add(("XMP ", xmp));
        using var output = new MemoryStream(webp.Length + xmp.Length + 64);
        output.Write("RIFF\0\0\0\0WEBP"u8);
        Span<byte> size = stackalloc byte[4];
        foreach (var (fourCc, data) in chunks)
        {
            output.Write(Encoding.ASCII.GetBytes(fourCc));
            BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)data.Length);
            output.Write(size);
            output.Write(data);
            if ((data.Length & 1) == 1)
            {
                output.WriteByte(0);
            }
        }

        var bytes = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
        return bytes;
    }

    private static void Write24(Span<byte> at, int value)
    {
        at[0] = (byte)value;
        at[1] = (byte)(value >> 8);
        at[2] = (byte)(value >> 16);
    }
}
