using System.Buffers.Binary;
using System.Text;

namespace VideoStyler.Stills;

/// <summary>
/// PNG chunks (PNG spec: after the 8-byte signature, chunks of length, type, data, CRC-32 over type
/// and data): reads the text chunks and the eXIf chunk, and inserts text chunks after IHDR.
/// </summary>
internal static class PngChunks
{
    private const int SignatureLength = 8;

    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>The chunks in order: type and data (CRCs are not checked; the decoder does that).</summary>
    public static IEnumerable<(string Type, byte[] Data)> Read(byte[] png)
    {
        var at = SignatureLength;
        while (at + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            if (length > (uint)(png.Length - at - 12))
            {
                yield break;
            }

            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            yield return (type, png.AsSpan(at + 8, (int)length).ToArray());
            if (type == "IEND")
            {
                yield break;
            }

            at += 12 + (int)length;
        }
    }

    /// <summary>The text of every tEXt (Latin-1) and uncompressed iTXt (UTF-8) chunk, by keyword.</summary>
    public static List<(string Keyword, string Text)> ReadText(byte[] png)
    {
        var texts = new List<(string, string)>();
        foreach (var (type, data) in Read(png))
        {
            var nul = Array.IndexOf(data, (byte)0);
            if (nul <= 0)
            {
                continue;
            }

            var keyword = Encoding.Latin1.GetString(data, 0, nul);
            if (type == "tEXt")
            {
                texts.Add((keyword, Encoding.Latin1.GetString(data, nul + 1, data.Length - nul - 1)));
            }
            else if (type == "iTXt" && nul + 2 < data.Length && data[nul + 1] == 0)
            {
                // keyword NUL, compression flag (0), method, language tag NUL, translated keyword NUL, text.
                var language = Array.IndexOf(data, (byte)0, nul + 3);
                var translated = language < 0 ? -1 : Array.IndexOf(data, (byte)0, language + 1);
                if (translated >= 0)
                {
                    texts.Add((keyword, Encoding.UTF8.GetString(data, translated + 1, data.Length - translated - 1)));
                }
            }
        }

        return texts;
    }

    /// <summary>An iTXt chunk's data: keyword, uncompressed, no language, UTF-8 text.</summary>
    public static byte[] InternationalText(string keyword, string text) =>
        [.. Encoding.Latin1.GetBytes(keyword), 0, 0, 0, 0, 0, .. Encoding.UTF8.GetBytes(text)];

    /// <summary>A tEXt chunk's data: keyword NUL Latin-1 text.</summary>
    public static byte[] Text(string keyword, string text) =>
        [.. Encoding.Latin1.GetBytes(keyword), 0, .. Encoding.Latin1.GetBytes(text)];

    /// <summary>A copy of <paramref name="png"/> with the chunks inserted right after IHDR.</summary>
    public static byte[] InsertAfterHeader(byte[] png, IEnumerable<(string Type, byte[] Data)> chunks)
    {
        var ihdrLength = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(SignatureLength));
        if (Encoding.ASCII.GetString(png, SignatureLength + 4, 4) != "IHDR")
        {
            throw new InvalidDataException("PNG does not start with IHDR");
        }

        var insertAt = SignatureLength + 12 + (int)ihdrLength;
        using var output = new MemoryStream(png.Length + 1024);
        output.Write(png, 0, insertAt);
        foreach (var (type, data) in chunks)
        {
            WriteChunk(output, type, data);
        }

        output.Write(png, insertAt, png.Length - insertAt);
        return output.ToArray();
    }

    /// <summary>CRC-32 as PNG (and zlib, Ethernet) define it: polynomial 0xEDB88320, reflected.</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes, uint crc = 0)
    {
        crc = ~crc;
        foreach (var b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(data, Crc32(typeBytes)));
        output.Write(word);
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
