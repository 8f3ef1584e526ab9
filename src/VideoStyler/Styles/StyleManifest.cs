using System.Text.Json;
using System.Text.Json.Serialization;
using VideoStyler.Stylize.Arbitrary;

namespace VideoStyler.Styles;

/// <summary>
/// A style made from a picture (STYLES_FOLDER/NAME/style.json, beside painting.jpg and thumb.jpg): what it
/// is, where the picture came from, its tags (given and computed), its palette and measures, and its
/// style vector (the Magenta style predictor's 100 numbers for the picture; null where no predictor ran).
/// Written with the library's JSON contract (<see cref="VideoStylerJson"/>: snake_case; absent fields left out).
/// </summary>
internal sealed record StyleManifest
{
    public const string FileName = "style.json";
    public const string ImageFileName = "painting.jpg";
    public const int VectorLength = MagentaModels.VectorLength;

    public required string Name { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Title { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Artist { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Year { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? License { get; init; }

    /// <summary>The picture the style was made from, as the user or the source named it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Source { get; init; }

    /// <summary>Where the picture came from and why it may be used (for shipped styles).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Provenance { get; init; }

    /// <summary>Tags: given ones (technique, era, ...) and computed ones (palette, texture, contrast).</summary>
    public Dictionary<string, string> Tags { get; init; } = [];

    /// <summary>The keys of <see cref="Tags"/> that were computed from the picture.</summary>
    public List<string> ComputedTags { get; init; } = [];

    public List<PaletteColor> Palette { get; init; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StyleMeasures? Measures { get; init; }

    /// <summary>The picture, in the style's folder (at most 1024 px on the long side).</summary>
    public string Image { get; init; } = ImageFileName;

    public string Thumbnail { get; init; } = StyleThumbnail.FileName;

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float[]? Vector { get; init; }

    public static StyleManifest Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw new UserFacingException($"cannot read style manifest {path}: {ex.Message}");
        }

        return Parse(json, path);
    }

    public static StyleManifest Parse(string json, string origin)
    {
        StyleManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(json, VideoStylerJson.Default.StyleManifest)
                ?? throw new UserFacingException($"style manifest {origin} is empty");
        }
        catch (JsonException ex)
        {
            throw new UserFacingException($"style manifest {origin} is not valid: {ex.Message}");
        }

        if (manifest.Vector is { } vector)
        {
            ValidateVector(vector, origin);
        }

        return manifest;
    }

    /// <summary>Throws a one-line error when <paramref name="vector"/> is not <see cref="VectorLength"/> finite numbers.</summary>
    public static void ValidateVector(ReadOnlySpan<float> vector, string origin)
    {
        if (vector.Length != VectorLength)
        {
            throw new UserFacingException($"style vector in {origin} has {vector.Length} numbers; a style vector has {VectorLength}");
        }

        foreach (var v in vector)
        {
            if (!float.IsFinite(v))
            {
                throw new UserFacingException($"style vector in {origin} holds a number that is not finite");
            }
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, VideoStylerJson.Default.StyleManifest);
}
