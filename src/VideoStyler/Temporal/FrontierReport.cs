using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoStyler.Temporal;

/// <summary>Result of <see cref="FlickerFrontier.Measure"/>.</summary>
internal sealed record FrontierReport
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <summary>Number of frames analysed.</summary>
    [JsonPropertyName("frames")]
    public required int Frames { get; init; }

    /// <summary>Share of the pixels that are static in every frame pair (the meter's mask and flow under 0.5 px).</summary>
    [JsonPropertyName("static_share")]
    public required double StaticShare { get; init; }

    /// <summary>Channel values (pixel x channel series) on the sampling grid that were solved.</summary>
    [JsonPropertyName("sampled_series")]
    public required int SampledSeries { get; init; }

    /// <summary>The flicker ratio at which <see cref="BestRetention"/> is given.</summary>
    [JsonPropertyName("target_flicker_ratio")]
    public required double TargetFlickerRatio { get; init; }

    /// <summary>
    /// The most retention any output can keep on these pixels at the target flicker ratio (null when the
    /// curve does not reach down to it).
    /// </summary>
    [JsonPropertyName("best_retention")]
    public double? BestRetention { get; init; }

    /// <summary>The optimum's trade-off at a range of exchange rates, from little smoothing to much.</summary>
    [JsonPropertyName("curve")]
    public required IReadOnlyList<FrontierPoint> Curve { get; init; }

    /// <summary>The given output's own figures on the same pixels; null without one.</summary>
    [JsonPropertyName("output")]
    public FrontierPoint? Output { get; init; }

    /// <summary>Indented JSON with the snake_case keys above.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, s_indented);
}
