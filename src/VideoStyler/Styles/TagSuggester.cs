using VideoStyler.Stylize.Arbitrary;

namespace VideoStyler.Styles;

/// <summary>
/// Suggests the given (not computed) tags of a new style, technique and era by default, from the styles
/// nearest to it in style space: the <see cref="Neighbours"/> most similar styles (cosine of the style
/// vectors) that carry the key vote, each with its similarity as weight; the heaviest value wins.
/// Keys the user gave are not suggested.
/// </summary>
internal static class TagSuggester
{
    public const int Neighbours = 3;
    public static readonly IReadOnlyList<string> SuggestedKeys = ["technique", "era"];

    public static IReadOnlyList<TagSuggestion> Suggest(ReadOnlySpan<float> vector, IEnumerable<StyleEntry> styles, IReadOnlyDictionary<string, string> given, string? exclude = null)
    {
        var ranked = new List<(StyleEntry Style, double Similarity)>();
        foreach (var style in styles)
        {
            if (style.Vector is { Length: StyleManifest.VectorLength } v && style.Name != exclude)
            {
                ranked.Add((style, StyleVectors.Cosine(vector, v)));
            }
        }

        ranked.Sort((a, b) => b.Similarity.CompareTo(a.Similarity));
        var suggestions = new List<TagSuggestion>();
        foreach (var key in SuggestedKeys)
        {
            if (given.ContainsKey(key))
            {
                continue;
            }

            var voters = ranked.Where(r => r.Style.Tags.ContainsKey(key)).Take(Neighbours).ToList();
            var best = voters
                .GroupBy(r => r.Style.Tags[key], StringComparer.OrdinalIgnoreCase)
                .Select(g => (Value: g.Key, Weight: g.Sum(r => Math.Max(0, r.Similarity)), From: g.Select(r => r.Style.Name).ToList()))
                .OrderByDescending(g => g.Weight)
                .ThenBy(g => g.Value, StringComparer.Ordinal)
                .FirstOrDefault();
            if (best.Value is not null)
            {
                suggestions.Add(new TagSuggestion(key, best.Value, best.From));
            }
        }

        return suggestions;
    }
}
