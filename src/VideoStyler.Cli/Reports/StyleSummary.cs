using VideoStyler.Styles;

namespace VideoStyler.Cli.Reports;

/// <summary>One style in `styles list --json`: what it is, its tags and palette, and where it lives.</summary>
internal sealed record StyleSummary
{
    public required string Name { get; init; }

    /// <summary>"picture" or "network".</summary>
    public required string Kind { get; init; }

    public bool BuiltIn { get; init; }

    public string? Title { get; init; }

    public string? Artist { get; init; }

    public string? Year { get; init; }

    public string? License { get; init; }

    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    public required IReadOnlyList<PaletteColor> Palette { get; init; }

    public bool HasVector { get; init; }

    public string? Thumbnail { get; init; }

    public required string Path { get; init; }

    public static string KindName(StyleEntry style) => style.Kind == StyleKind.Picture ? "picture" : "network";

    public static StyleSummary From(StyleEntry style) => new()
    {
        Name = style.Name,
        Kind = KindName(style),
        BuiltIn = style.BuiltIn,
        Title = style.Title,
        Artist = style.Artist,
        Year = style.Year,
        License = style.License,
        Tags = style.Tags,
        Palette = style.Palette,
        HasVector = style.Vector is not null,
        Thumbnail = style.ThumbnailPath,
        Path = style.Origin,
    };
}
