using System.Text.Json;

namespace VideoStyler.Temporal;

/// <summary>Result of <see cref="FlickerFrontier.Measure"/>.</summary>
internal sealed record FrontierReport
{
    /// <summary>Number of frames analysed.</summary>
    public required int Frames { get; init; }

    /// <summary>Share of the pixels that are static in every frame pair (the meter's mask and flow under 0.5 px).</summary>
    public required double StaticShare { get; init; }

    /// <summary>Channel values (pixel x channel series) on the sampling grid that were solved.</summary>
    public required int SampledSeries { get; init; }

    /// <summary>The flicker ratio at which <see cref="BestRetention"/> is given.</summary>
    public required double TargetFlickerRatio { get; init; }

    /// <summary>
    /// The most retention any output can keep on these pixels at the target flicker ratio (null when the
    /// curve does not reach down to it).
    /// </summary>
    public double? BestRetention { get; init; }

    /// <summary>The optimum's trade-off at a range of exchange rates, from little smoothing to much.</summary>
    public required IReadOnlyList<FrontierPoint> Curve { get; init; }

    /// <summary>The given output's own figures on the same pixels; null without one.</summary>
    public FrontierPoint? Output { get; init; }

    /// <summary>Indented JSON with the snake_case keys above.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, VideoStylerJson.Default.FrontierReport);
}
