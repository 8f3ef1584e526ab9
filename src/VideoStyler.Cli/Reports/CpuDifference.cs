using System.Text.Json.Serialization;

namespace VideoStyler.Cli.Reports;

/// <summary>How far a device's output is from the CPU provider's for the same frames (0..255 levels).</summary>
internal sealed record CpuDifference(
    int Frames,
    double MeanAbsDiff,
    double MaxAbsDiff,
    [property: JsonPropertyName("share_over_1_level")] double ShareOver1Level);
