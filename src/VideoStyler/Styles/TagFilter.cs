namespace VideoStyler.Styles;

/// <summary>
/// Matches --tag filters against a style's tags. "KEY=VALUE" needs that key to hold VALUE (a tag value
/// may list several words, "warm,vivid,dark", and any of them matches); a bare "VALUE" matches any key.
/// Case-insensitive.
/// </summary>
internal static class TagFilter
{
    public static bool Matches(IReadOnlyDictionary<string, string> tags, string filter)
    {
        var eq = filter.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0)
        {
            var key = filter[..eq].Trim();
            var wanted = filter[(eq + 1)..].Trim();
            return tags.Any(t => string.Equals(t.Key, key, StringComparison.OrdinalIgnoreCase) && Words(t.Value).Contains(wanted, StringComparer.OrdinalIgnoreCase));
        }

        return tags.Values.Any(v => Words(v).Contains(filter.Trim(), StringComparer.OrdinalIgnoreCase));
    }

    public static bool MatchesAll(IReadOnlyDictionary<string, string> tags, IEnumerable<string> filters) =>
        filters.All(f => Matches(tags, f));

    /// <summary>Splits "KEY=VALUE" (both non-empty); null when <paramref name="tag"/> is not of that form.</summary>
    public static KeyValuePair<string, string>? ParsePair(string tag)
    {
        var eq = tag.IndexOf('=', StringComparison.Ordinal);
        return eq <= 0 || eq == tag.Length - 1 ? null : new(tag[..eq].Trim(), tag[(eq + 1)..].Trim());
    }

    private static string[] Words(string value) => value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
