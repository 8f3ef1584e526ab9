namespace VideoStyler.Temporal;

/// <summary>
/// Declares a scene cut when the previous frame suddenly explains much less of the current one than it
/// usually does: the mean flow confidence drops below a fraction of its recent average, or below an
/// absolute floor. Relative, so that a clip that is hard for the flow throughout (noise, fast motion) is
/// not cut on every frame.
/// </summary>
internal sealed class SceneCutDetector(double drop)
{
    private const double AbsoluteFloor = 0.2;
    private const double AverageWeight = 0.2;

    private double? _average;

    public bool IsCut(double meanConfidence)
    {
        var cut = meanConfidence < AbsoluteFloor || meanConfidence < drop * (_average ?? meanConfidence);
        _average = cut ? null : _average is { } average ? average + AverageWeight * (meanConfidence - average) : meanConfidence;
        return cut;
    }

    public void Reset() => _average = null;
}
