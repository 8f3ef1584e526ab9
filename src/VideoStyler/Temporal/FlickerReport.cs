using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoStyler.Temporal;

/// <summary>
/// Result of <see cref="FlickerMeter.Measure"/>. Warp errors are the Lai et al. 2018 E_warp: squared RGB
/// difference (channels in [0,1], summed over the three channels) between a frame and its flow-warped
/// predecessor, averaged over non-occluded pixels and then over frame pairs.
/// </summary>
internal sealed record FlickerReport
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <summary>E_warp of the output video (flow measured on the input).</summary>
    [JsonPropertyName("e_warp_output")]
    public required double EWarpOutput { get; init; }

    /// <summary>E_warp of the input video itself: the floor set by noise, lighting and flow error.</summary>
    [JsonPropertyName("e_warp_input")]
    public required double EWarpInput { get; init; }

    /// <summary>E_warp(output) / E_warp(reference); null without a reference.</summary>
    [JsonPropertyName("flicker_ratio")]
    public double? FlickerRatio { get; init; }

    /// <summary>1 - mean|output - reference| / mean|reference - input|; null without a reference.</summary>
    [JsonPropertyName("retention")]
    public double? Retention { get; init; }

    /// <summary>Mean Laplacian variance of the output over that of the reference; null without a reference.</summary>
    [JsonPropertyName("sharpness")]
    public double? Sharpness { get; init; }

    /// <summary>Gram retention against the reference (see <see cref="Quality.StyleComparison"/>); null without a reference.</summary>
    [JsonPropertyName("gram_retention")]
    public double? GramRetention { get; init; }

    /// <summary>Content ratio against the reference (see <see cref="Quality.StyleComparison"/>); null without a reference.</summary>
    [JsonPropertyName("content_ratio")]
    public double? ContentRatio { get; init; }

    /// <summary>Frames the gram retention and content ratio were measured on; null without a reference.</summary>
    [JsonPropertyName("style_frames")]
    public int? StyleFrames { get; init; }

    /// <summary>Number of frames compared.</summary>
    [JsonPropertyName("frames")]
    public required int Frames { get; init; }

    /// <summary>Indented JSON with the snake_case keys above (nulls included).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, s_indented);
}
