namespace VideoStyler.ScaleOut;

/// <summary>What a segment's worker thread let through to the encoder (and held back as warm-up).</summary>
internal sealed class SegmentFrames
{
    public long Count { get; set; }

    public long Warmup { get; set; }

    public long FirstMs { get; set; }

    public long LastMs { get; set; }
}
