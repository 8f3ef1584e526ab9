namespace VideoStyler.Temporal;

/// <summary>One point of the flicker/retention trade-off on the static pixels (see <see cref="FlickerFrontier"/>).</summary>
internal sealed record FrontierPoint(
    double? Lambda,
    double FlickerRatio,
    double Retention);
