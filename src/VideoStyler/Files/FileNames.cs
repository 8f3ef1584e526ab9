using System.Text;

namespace VideoStyler.Files;

/// <summary>File names that fit the file system's limit of 255 bytes per name.</summary>
internal static class FileNames
{
    private const int NameMax = 255;

    /// <summary>prefix + name + suffix, with name cut (whole UTF-8 characters) so the result fits in a file name.</summary>
    internal static string Fit(string prefix, string name, string suffix)
    {
        var room = NameMax - Encoding.UTF8.GetByteCount(prefix) - Encoding.UTF8.GetByteCount(suffix);
        var cut = name;
        while (Encoding.UTF8.GetByteCount(cut) > room && cut.Length > 0)
        {
            cut = cut[..^1];
            if (cut.Length > 0 && char.IsHighSurrogate(cut[^1]))
            {
                cut = cut[..^1];
            }
        }

        return prefix + cut + suffix;
    }
}
