namespace VideoStyler.ScaleOut;

/// <summary>What a worker records next to a finished segment (segments/NNN.json).</summary>
internal sealed record SegmentStats
{
    public required int Index { get; init; }

    public required long FramesOut { get; init; }

    public required long WarmupFrames { get; init; }

    /// <summary>Frames decoded in all: warm-up, the segment, and the lookahead frame.</summary>
    public required long FramesDecoded { get; init; }

    public required long FirstPtsMs { get; init; }

    public required long LastPtsMs { get; init; }

    public required double WallSeconds { get; init; }

    public required double ModelMsMean { get; init; }

    public required string ExecutionProvider { get; init; }

    /// <summary>The style's name as the output's marking states it.</summary>
    public required string Style { get; init; }

    public required string Host { get; init; }

    public required string ToolVersion { get; init; }

    /// <summary>How many runs it took (a requeued or retried worker counts up).</summary>
    public int Attempt { get; init; } = 1;
}
