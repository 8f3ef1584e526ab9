using VideoStyler.Models;

namespace VideoStyler.Styles;

/// <summary>One style as listings show it, whatever it is underneath (see <see cref="StyleKind"/>).</summary>
internal sealed record StyleEntry
{
    public required string Name { get; init; }

    public required StyleKind Kind { get; init; }

    /// <summary>The style's folder (picture styles), its .onnx file, or "embedded".</summary>
    public required string Origin { get; init; }

    /// <summary>Shipped with the tool (the project's styles/ or models/, or embedded): never removed.</summary>
    public bool BuiltIn { get; init; }

    public string? Title { get; init; }

    public string? Artist { get; init; }

    public string? Year { get; init; }

    public string? License { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public IReadOnlyList<PaletteColor> Palette { get; init; } = [];

    public float[]? Vector { get; init; }

    public string? ThumbnailPath { get; init; }

    public string? ImagePath { get; init; }

    /// <summary>The full manifest of a picture style (null for a network).</summary>
    public StyleManifest? Picture { get; init; }

    /// <summary>The manifest of a network style (null for a picture style, or a network without one).</summary>
    public ModelManifest? Network { get; init; }

    public static StyleEntry FromPicture(StyleManifest manifest, string folder, bool builtIn) => new()
    {
        Name = manifest.Name,
        Kind = StyleKind.Picture,
        Origin = folder,
        BuiltIn = builtIn,
        Title = manifest.Title,
        Artist = manifest.Artist,
        Year = manifest.Year,
        License = manifest.License,
        Tags = manifest.Tags,
        Palette = manifest.Palette,
        Vector = manifest.Vector,
        ThumbnailPath = Path.Combine(folder, manifest.Thumbnail),
        ImagePath = Path.Combine(folder, manifest.Image),
        Picture = manifest,
    };

    public static StyleEntry FromNetwork(ModelManifest manifest, string origin, bool builtIn) => new()
    {
        Name = manifest.Name,
        Kind = StyleKind.Network,
        Origin = origin,
        BuiltIn = builtIn,
        Title = manifest.Title,
        Artist = manifest.Artist,
        License = manifest.License,
        Tags = manifest.Tags,
        Network = manifest,
    };
}
