namespace VideoStyler.ScaleOut;

/// <summary>One segment of a job: the frames it encodes, and where its worker starts decoding.</summary>
internal sealed record SegmentSpec
{
    public required int Index { get; init; }

    /// <summary>Index (in presentation order) of the segment's first frame in the whole clip.</summary>
    public required long FirstFrame { get; init; }

    /// <summary>Frames this segment encodes.</summary>
    public required long FrameCount { get; init; }

    /// <summary>Presentation time of the first frame, milliseconds from the file's start.</summary>
    public required long StartMs { get; init; }

    /// <summary>Whether the first frame is a keyframe of the source (the boundary was snapped to one).</summary>
    public required bool OnSourceKeyframe { get; init; }

    /// <summary>
    /// Index of the first warm-up frame: decoded, stylized and run through the temporal stage so its state
    /// has converged at <see cref="FirstFrame"/>, but not encoded. Equals FirstFrame for the first segment.
    /// </summary>
    public required long WarmupFirstFrame { get; init; }

    /// <summary>Presentation time of the first warm-up frame (where the worker seeks to), milliseconds.</summary>
    public required long WarmupStartMs { get; init; }

    /// <summary>
    /// Frames with a timestamp at or after this (milliseconds) are this segment's; null for the first
    /// segment. Half-way between two frames, so a millisecond of rounding never moves a frame across.
    /// </summary>
    public double? FromMs { get; init; }

    /// <summary>Frames with a timestamp at or after this belong to the next segment; null for the last.</summary>
    public double? ToMs { get; init; }

    /// <summary>
    /// Whether the frame after the segment is decoded as the temporal stage's lookahead for the last
    /// frame (as in a whole-file run, where every frame but the clip's last one has its next frame).
    /// </summary>
    public required bool Lookahead { get; init; }

    /// <summary>Time from this segment's first frame to the next segment's first frame (the join's file duration), seconds; null for the last.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Warm-up frames before the segment.</summary>
    public long WarmupFrames => FirstFrame - WarmupFirstFrame;
}
