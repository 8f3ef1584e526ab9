namespace VideoStyler.Styles;

/// <summary>A tag suggested for a new style because the nearest tagged styles carry it.</summary>
internal sealed record TagSuggestion(string Key, string Value, IReadOnlyList<string> From);
