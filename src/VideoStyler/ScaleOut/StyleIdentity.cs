using System.Globalization;
using System.Security.Cryptography;
using VideoStyler.Models;

namespace VideoStyler.ScaleOut;

/// <summary>
/// What identifies the style a job was planned with: for each part of --style its resolved name and
/// the SHA-256 of its model (the embedded default is identified by the tool version, which is recorded
/// next to it). Workers that resolve a different model are refused, so no segment is painted otherwise.
/// </summary>
internal static class StyleIdentity
{
    public static string Of(StyleLibrary library, string? style)
    {
        // Picture styles (the default among them) run the shared Magenta transformer with a style vector:
        // the vector and the transformer's bytes are what must be equal on every worker.
        if (Styles.PictureStyleResolver.TryResolve(library, style, 1.0) is { } picture)
        {
            var vector = Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(picture.Vector.AsSpan())));
            var transformer = Hash(Stylize.Arbitrary.MagentaModels.Transformer());
            return $"picture:{picture.Name}:vector-sha256={vector}:transformer-sha256={transformer}";
        }

        var parts = new List<string>();
        foreach (var (name, weight) in StyleMixSpec.Parse(style))
        {
            var source = library.Resolve(name);
            var hash = Hash(source);
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{source.Name}:{weight:0.####}:sha256={hash}"));
        }

        return string.Join(",", parts);
    }

    private static string Hash(StyleSource source)
    {
        if (source.ModelBytes is { } bytes)
        {
            return Convert.ToHexStringLower(SHA256.HashData(bytes));
        }

        if (source.ModelPath is { } path)
        {
            try
            {
                using var stream = File.OpenRead(path);
                return Convert.ToHexStringLower(SHA256.HashData(stream));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UserFacingException($"cannot read style model {path}: {ex.Message}");
            }
        }

        return "built-in";
    }
}
