using VideoStyler.Models;
using VideoStyler.Stylize.Arbitrary;

namespace VideoStyler.Styles;

/// <summary>
/// Turns --style into a style vector for the Magenta transformer when it names picture styles:
/// "great-wave", or a mix "great-wave:0.7,scream:0.3" (the vectors are averaged with the weights,
/// as Magenta mixes styles). No --style at all means <see cref="DefaultName"/>. Anything naming a
/// network (.onnx path, or a name only a model has) is left to <see cref="StyleLibrary"/>; a mix of a
/// picture and a network is refused (they cannot be averaged in one space).
/// </summary>
internal static class PictureStyleResolver
{
    /// <summary>The default style of stylize and live: a built-in painting.</summary>
    public const string DefaultName = "starry-night";

    /// <summary>The picture style(s) <paramref name="spec"/> names, as one vector; null when it names networks (or the default painting is not available).</summary>
    public static ArbitraryStyle? TryResolve(StyleLibrary networks, string? spec, double strength)
    {
        var catalog = new StyleCatalog(StyleCatalog.UserStylesFolder(), StyleCatalog.FindShippedStylesFolder(), networks);
        if (string.IsNullOrWhiteSpace(spec))
        {
            return catalog.FindPicture(DefaultName) is { Vector: { } vector }
                ? new ArbitraryStyle { Name = DefaultName, Vector = vector, Strength = strength }
                : null;
        }

        var parts = StyleMixSpec.Parse(spec);
        var pictures = new List<(string Name, float[] Vector, double Weight)>();
        var networkNames = new List<string>();
        foreach (var (name, weight) in parts)
        {
            var style = name is null || LooksLikePath(name) ? null : catalog.FindPicture(name);
            if (style is null)
            {
                if (name is not null && !LooksLikePath(name) && !networks.AllNames().Contains(name, StringComparer.Ordinal))
                {
                    var close = catalog.Close(name);
                    throw new UserFacingException($"unknown style '{name}': " + (close.Count > 0
                        ? $"did you mean {string.Join(", ", close)}?"
                        : "`videostyler styles list` shows them") + " (or give a path to an .onnx file)");
                }

                networkNames.Add(name ?? StyleLibrary.DefaultStyleName);
                continue;
            }

            var vector = style.Vector ?? throw new UserFacingException(
                $"style '{name}' has no style vector yet; run `videostyler styles generate{(style.BuiltIn ? "" : $" --styles-dir {Path.GetDirectoryName(style.Origin)}")} {name}`");
            pictures.Add((style.Name, vector, weight));
        }

        if (pictures.Count == 0)
        {
            return null;
        }

        if (networkNames.Count > 0)
        {
            throw new UserFacingException(
                $"--style {spec}: {string.Join(", ", pictures.Select(p => p.Name))} {(pictures.Count == 1 ? "is a picture style" : "are picture styles")} and {string.Join(", ", networkNames)} {(networkNames.Count == 1 ? "is not" : "are not")}; picture styles mix with picture styles only");
        }

        var mixed = pictures.Count == 1 ? pictures[0].Vector : StyleVectors.Mix([.. pictures.Select(p => (p.Vector, p.Weight))]);
        return new ArbitraryStyle { Name = spec.Trim(), Vector = mixed, Strength = strength };
    }

    private static bool LooksLikePath(string name) =>
        name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || name.Contains('/') || name.Contains('\\');
}
