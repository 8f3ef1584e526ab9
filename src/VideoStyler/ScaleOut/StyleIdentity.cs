using System.Globalization;
using System.Security.Cryptography;
using VideoStyler.Models;

namespace VideoStyler.ScaleOut;

/// <summary>
/// What identifies the style a job was planned with: for each part of --style its resolved name and
/// the SHA-256 of its model (the embedded default is identified by the tool version, which is recorded
/// next to it). Workers that resolve a different model are refused, so no segment is painted otherwise.
/// </summary>
public static class StyleIdentity
{
    public static string Of(StyleLibrary library, string? style)
    {
        var parts = new List<string>();
        foreach (var (name, weight) in StyleMixSpec.Parse(style))
        {
            var source = library.Resolve(name);
            string hash;
            if (source.ModelBytes is { } bytes)
            {
                hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            }
            else if (source.ModelPath is { } path)
            {
                try
                {
                    using var stream = File.OpenRead(path);
                    hash = Convert.ToHexStringLower(SHA256.HashData(stream));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new UserFacingException($"cannot read style model {path}: {ex.Message}");
                }
            }
            else
            {
                hash = "built-in";
            }

            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{source.Name}:{weight:0.####}:sha256={hash}"));
        }

        return string.Join(",", parts);
    }
}
