namespace VideoStyler.Models;

/// <summary>A style resolved from --style: its model (a file or embedded bytes) and its manifest.</summary>
internal sealed record StyleSource
{
    public required string Name { get; init; }

    /// <summary>Where it came from, for messages: a path, or "embedded".</summary>
    public required string Origin { get; init; }

    public string? ModelPath { get; init; }

    public byte[]? ModelBytes { get; init; }

    public ModelManifest? Manifest { get; init; }
}
