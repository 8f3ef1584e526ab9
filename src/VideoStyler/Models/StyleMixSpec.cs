using System.Globalization;

namespace VideoStyler.Models;

/// <summary>
/// Parses --style: "candy", "path/to/model.onnx", or a weighted mix "candy:0.6,mosaic:0.4" (weights
/// are normalised to sum to 1; a part without a weight gets 1).
/// </summary>
public static class StyleMixSpec
{
    public static IReadOnlyList<(string? Style, float Weight)> Parse(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
        {
            return [(null, 1f)];
        }

        var parts = new List<(string?, float)>();
        foreach (var raw in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = raw.LastIndexOf(':');
            if (colon > 0 && float.TryParse(raw[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
            {
                if (weight < 0 || float.IsNaN(weight))
                {
                    throw new UserFacingException($"style weight must be 0 or more: {raw}");
                }

                parts.Add((raw[..colon], weight));
            }
            else
            {
                parts.Add((raw, 1f));
            }
        }

        var total = parts.Sum(p => p.Item2);
        if (parts.Count == 0 || total <= 0)
        {
            throw new UserFacingException($"--style {spec}: the weights must add up to more than 0");
        }

        return [.. parts.Select(p => (p.Item1, p.Item2 / total))];
    }
}
