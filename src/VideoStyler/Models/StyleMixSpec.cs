using System.Globalization;

namespace VideoStyler.Models;

/// <summary>
/// Parses --style: "candy", "path/to/model.onnx", or a weighted mix "candy:0.6,mosaic:0.4" (weights
/// are normalised to sum to 1; parts without weights share equally; weights for some parts only are an error).
/// </summary>
internal static class StyleMixSpec
{
    public static IReadOnlyList<(string? Style, float Weight)> Parse(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
        {
            return [(null, 1f)];
        }

        var parts = new List<(string?, float)>();
        var weighted = 0;
        foreach (var raw in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = raw.LastIndexOf(':');
            if (colon > 0 && float.TryParse(raw[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
            {
                weighted++;
                if (weight < 0 || !float.IsFinite(weight))
                {
                    throw new UserFacingException($"style weight must be a finite number, 0 or more: {raw}");
                }

                parts.Add((raw[..colon], weight));
            }
            else
            {
                parts.Add((raw, 1f));
            }
        }

        // "candy:0.5,mosaic" would quietly become 0.33/0.67: weights for every part or for none.
        if (parts.Count > 1 && weighted > 0 && weighted < parts.Count)
        {
            throw new UserFacingException($"--style {spec}: give a weight to every style of the mix or to none (e.g. candy:0.5,mosaic:0.5)");
        }

        var total = parts.Sum(p => p.Item2);
        if (parts.Count == 0 || total <= 0)
        {
            throw new UserFacingException($"--style {spec}: the weights must add up to more than 0");
        }

        return [.. parts.Select(p => (p.Item1, p.Item2 / total))];
    }
}
