namespace VideoStyler.ScaleOut;

/// <summary>
/// Cuts a clip into segments of about equal frame counts. Each boundary moves to the nearest source
/// keyframe when one lies within a quarter of a segment of the even split (the worker's decoder then
/// starts there without decoding frames it throws away); a clip with too few keyframes (webcam
/// recordings often have one) is cut between any two frames, since the worker decodes from the
/// keyframe before its warm-up anyway.
/// </summary>
internal static class SegmentPlanner
{
    /// <param name="times">The frames of the clip (after --frames).</param>
    /// <param name="segments">How many segments.</param>
    /// <param name="warmupFrames">Frames each segment stylizes before its first one (temporal state).</param>
    public static IReadOnlyList<SegmentSpec> Plan(FrameTimes times, int segments, int warmupFrames)
    {
        var n = times.Count;
        if (segments < 1 || segments > n)
        {
            throw new UserFacingException($"cannot cut {n} frames into {segments} segments (1 to {n})");
        }

        var starts = new List<int> { 0 };
        var window = Math.Max(0, n / segments / 4);
        for (var i = 1; i < segments; i++)
        {
            var even = (int)Math.Round((double)i * n / segments);
            var best = even;
            for (var d = 0; d <= window; d++)
            {
                if (times.Keyframes.Contains(even - d))
                {
                    best = even - d;
                    break;
                }

                if (times.Keyframes.Contains(even + d))
                {
                    best = even + d;
                    break;
                }
            }

            // Keep every segment at least one frame long and the boundaries increasing.
            best = Math.Clamp(best, starts[^1] + 1, n - (segments - i));
            starts.Add(best);
        }

        var ms = times.PresentationMs;
        var result = new List<SegmentSpec>(segments);
        for (var i = 0; i < segments; i++)
        {
            var first = starts[i];
            var end = i + 1 < segments ? starts[i + 1] : n;
            var warmup = Math.Max(0, first - warmupFrames);
            var last = i == segments - 1;
            result.Add(new SegmentSpec
            {
                Index = i,
                FirstFrame = first,
                FrameCount = end - first,
                StartMs = ms[first],
                OnSourceKeyframe = times.Keyframes.Contains(first),
                WarmupFirstFrame = warmup,
                WarmupStartMs = ms[warmup],
                FromMs = first == 0 ? null : (ms[first - 1] + ms[first]) / 2.0,
                ToMs = last ? null : (ms[end - 1] + ms[end]) / 2.0,
                Lookahead = !last, // a whole run's last frame (end of file or of --frames) has none
                DurationSeconds = last ? null : (ms[end] - ms[first]) / 1000.0,
            });
        }

        return result;
    }
}
