using System.Globalization;
using VideoStyler.Sources;

namespace VideoStyler.ScaleOut;

/// <summary>
/// Every frame's presentation time and whether it is a keyframe, from ffprobe's packet list of the first
/// video stream (no decoding, so it is quick even for hours of footage). Times are milliseconds from the
/// file's start, as the decoder stamps frames.
/// </summary>
internal sealed record FrameTimes(IReadOnlyList<long> PresentationMs, IReadOnlySet<int> Keyframes)
{
    public int Count => PresentationMs.Count;

    public static async Task<FrameTimes> ProbeAsync(VideoInfo info, CancellationToken cancellationToken)
    {
        var (exitCode, stdout, stderr) = await ProcessRunner.RunAsync(
            "ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", info.Path],
            cancellationToken);
        if (exitCode != 0)
        {
            throw new UserFacingException($"ffprobe could not list the frames of {info.Path}: {stderr.Trim()}");
        }

        return Parse(stdout, info.StartSeconds, info.Path);
    }

    /// <summary>Parses "pts_time,flags" lines (packets come in decode order; frames are sorted by time).</summary>
    internal static FrameTimes Parse(string csv, double startSeconds, string path)
    {
        var frames = new List<(long Ms, bool Key)>();
        foreach (var line in csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            var time = comma < 0 ? line : line[..comma];
            var flags = comma < 0 ? "" : line[(comma + 1)..];
            if (!double.TryParse(time, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                continue; // N/A: a packet without a presentation time (not a frame of its own)
            }

            var ms = (long)Math.Round((seconds - startSeconds) * 1000, MidpointRounding.AwayFromZero);
            if (ms < 0)
            {
                continue; // before the start (an edit list's pre-roll): never shown
            }

            frames.Add((ms, flags.Contains('K', StringComparison.Ordinal)));
        }

        if (frames.Count == 0)
        {
            throw new UserFacingException($"{path}: no video frames with timestamps found");
        }

        frames.Sort((a, b) => a.Ms.CompareTo(b.Ms));
        var keyframes = new HashSet<int>();
        for (var i = 0; i < frames.Count; i++)
        {
            if (frames[i].Key)
            {
                keyframes.Add(i);
            }
        }

        return new FrameTimes(frames.Select(f => f.Ms).ToList(), keyframes);
    }

    /// <summary>The first <paramref name="count"/> frames (--frames).</summary>
    public FrameTimes Take(long count) => count <= 0 || count >= Count
        ? this
        : new FrameTimes(PresentationMs.Take((int)count).ToList(), Keyframes.Where(k => k < count).ToHashSet());
}
