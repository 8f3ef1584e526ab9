using System.Text.Json.Serialization;

namespace VideoStyler.Temporal;

/// <summary>One point of the flicker/retention trade-off on the static pixels (see <see cref="FlickerFrontier"/>).</summary>
internal sealed record FrontierPoint(
    [property: JsonPropertyName("lambda")] double? Lambda,
    [property: JsonPropertyName("flicker_ratio")] double FlickerRatio,
    [property: JsonPropertyName("retention")] double Retention);
