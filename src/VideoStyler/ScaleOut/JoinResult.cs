namespace VideoStyler.ScaleOut;

/// <summary>What a join wrote, with its segments' stats and where the seams are.</summary>
internal sealed record JoinResult
{
    public required string OutputPath { get; init; }

    public required long Frames { get; init; }

    public required IReadOnlyList<SegmentStats> Segments { get; init; }

    public required IReadOnlyList<Seam> Seams { get; init; }
}
