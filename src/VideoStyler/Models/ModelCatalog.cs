using System.Text.Json;

namespace VideoStyler.Models;

/// <summary>models/catalog.json: the public models `models pull` knows how to fetch and verify.</summary>
internal sealed record ModelCatalog
{
    public string? Comment { get; init; }

    public List<CatalogEntry> Models { get; init; } = [];

    public static ModelCatalog Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserFacingException($"model catalog not found: {path}");
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), VideoStylerJson.Default.ModelCatalog)
                ?? throw new UserFacingException($"model catalog {path} is empty");
        }
        catch (JsonException ex)
        {
            throw new UserFacingException($"model catalog {path} is not valid: {ex.Message}");
        }
    }

    public CatalogEntry Find(string name) =>
        Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UserFacingException($"'{name}' is not in the catalog (known: {string.Join(", ", Models.Select(m => m.Name))})");
}
