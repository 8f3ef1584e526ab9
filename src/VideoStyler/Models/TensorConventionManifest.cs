using System.Text.Json.Serialization;

namespace VideoStyler.Models;

/// <summary>The "input"/"output" part of a manifest: which tensor and how pixels are encoded in it.</summary>
internal sealed record TensorConventionManifest
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    /// <summary>"NCHW" or "NHWC".</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Layout { get; init; }

    /// <summary>"RGB" or "BGR".</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ChannelOrder { get; init; }

    /// <summary>"0..255", "0..1" or "-1..1".</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Range { get; init; }
}
