using System.Text.Json;

namespace VideoStyler.Temporal;

/// <summary>
/// Result of <see cref="FlickerMeter.Measure"/>. Warp errors are the Lai et al. 2018 E_warp: squared RGB
/// difference (channels in [0,1], summed over the three channels) between a frame and its flow-warped
/// predecessor, averaged over non-occluded pixels and then over frame pairs.
/// </summary>
internal sealed record FlickerReport
{
    /// <summary>E_warp of the output video (flow measured on the input).</summary>
    public required double EWarpOutput { get; init; }

    /// <summary>E_warp of the input video itself: the floor set by noise, lighting and flow error.</summary>
    public required double EWarpInput { get; init; }

    /// <summary>E_warp(output) / E_warp(reference); null without a reference.</summary>
    public double? FlickerRatio { get; init; }

    /// <summary>1 - mean|output - reference| / mean|reference - input|; null without a reference.</summary>
    public double? Retention { get; init; }

    /// <summary>Mean Laplacian variance of the output over that of the reference; null without a reference.</summary>
    public double? Sharpness { get; init; }

    /// <summary>Gram retention against the reference (see <see cref="Quality.StyleComparison"/>); null without a reference.</summary>
    public double? GramRetention { get; init; }

    /// <summary>Content ratio against the reference (see <see cref="Quality.StyleComparison"/>); null without a reference.</summary>
    public double? ContentRatio { get; init; }

    /// <summary>Frames the gram retention and content ratio were measured on; null without a reference.</summary>
    public int? StyleFrames { get; init; }

    /// <summary>Number of frames compared.</summary>
    public required int Frames { get; init; }

    /// <summary>Indented JSON with the snake_case keys above (nulls included).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, VideoStylerJson.Default.FlickerReport);
}
