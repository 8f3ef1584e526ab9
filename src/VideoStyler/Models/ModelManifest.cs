using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoStyler.Models;

/// <summary>
/// The JSON file beside a style model (NAME.json next to NAME.onnx): what the style is, who made it,
/// under which license, how to find it (tags) and how to feed it (input/output conventions).
/// Fields the model can tell us itself may be left out; fields present here win.
/// </summary>
internal sealed record ModelManifest
{
    public required string Name { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Title { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Artist { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? License { get; init; }

    /// <summary>Attribute tags, e.g. technique=toon, palette=vivid, era=contemporary.</summary>
    public Dictionary<string, string> Tags { get; init; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TensorConventionManifest? Input { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TensorConventionManifest? Output { get; init; }

    /// <summary>The size the model was trained at (short side), when it has one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? NativeSize { get; init; }

    /// <summary>Processing size (short side) that gives the intended look.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RecommendedSize { get; init; }

    /// <summary>Free spatial dims are padded to a multiple of this.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SizeMultiple { get; init; }

    public static ModelManifest Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path), path);
        }
        catch (IOException ex)
        {
            throw new UserFacingException($"cannot read manifest {path}: {ex.Message}");
        }
    }

    public static ModelManifest Parse(string json, string origin)
    {
        try
        {
            return JsonSerializer.Deserialize(json, VideoStylerJson.Default.ModelManifest)
                ?? throw new UserFacingException($"manifest {origin} is empty");
        }
        catch (JsonException ex)
        {
            // JsonException's message names .NET types ("could not be converted to System.String"): say where instead.
            var where = ex.Path is { Length: > 0 } path ? $" at {path}" : "";
            var line = ex.LineNumber is { } l ? $" (line {l + 1})" : "";
            throw new UserFacingException($"manifest {origin} is not valid: a wrong or malformed value{where}{line}");
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, VideoStylerJson.Default.ModelManifest);
}
