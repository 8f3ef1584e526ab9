namespace VideoStyler.Models;

/// <summary>One downloadable model in models/catalog.json.</summary>
internal sealed record CatalogEntry
{
    public required string Name { get; init; }

    public required string Url { get; init; }

    /// <summary>Lower-case hex SHA-256 of the file; a download that does not match is refused.</summary>
    public required string Sha256 { get; init; }

    public string? License { get; init; }

    /// <summary>Written beside the model as NAME.json (its conventions and tags).</summary>
    public ModelManifest? Manifest { get; init; }
}
