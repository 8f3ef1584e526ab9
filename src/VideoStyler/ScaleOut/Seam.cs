namespace VideoStyler.ScaleOut;

/// <summary>Where two segments meet: the later segment's first frame, and the warm-up it had there.</summary>
internal sealed record Seam(int Segment, long Frame, long TimeMs, long WarmupFrames, bool OnSourceKeyframe);
