using System.Globalization;
using System.Text.Json;

namespace VideoStyler.Tests.Support;

/// <summary>Per-stream facts and frame timestamps of a media file, from the real ffprobe.</summary>
internal static class StreamFacts
{
    public sealed record Stream(string Type, string Codec, string? Language, string? Title, string? PixelFormat, double? StartTime);

    /// <summary>Every stream with its language and title (MP4 keeps a track's name as its handler name).</summary>
    public static async Task<IReadOnlyList<Stream>> ReadAsync(string path)
    {
        var result = await Cli.RunProcessAsync(
            "ffprobe", ["-v", "error", "-print_format", "json", "-show_streams", path], TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, $"ffprobe failed on {path}: {result.StdErr}");
        using var doc = JsonDocument.Parse(result.StdOut);
        return doc.RootElement.GetProperty("streams").EnumerateArray().Select(s =>
        {
            var tags = s.TryGetProperty("tags", out var t) ? t : default;
            string? Tag(string name) => tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty(name, out var v) ? v.GetString() : null;
            var title = Tag("title") ?? Tag("handler_name");
            return new Stream(
                s.GetProperty("codec_type").GetString()!,
                s.GetProperty("codec_name").GetString()!,
                Tag("language"),
                title is not null && title.EndsWith("Handler", StringComparison.Ordinal) ? null : title,
                s.TryGetProperty("pix_fmt", out var pf) ? pf.GetString() : null,
                s.TryGetProperty("start_time", out var st) ? double.Parse(st.GetString()!, CultureInfo.InvariantCulture) : null);
        }).ToList();
    }

    /// <summary>Presentation time in seconds of every decoded video frame, in output order.</summary>
    public static async Task<IReadOnlyList<double>> VideoFrameTimesAsync(string path)
    {
        var result = await Cli.RunProcessAsync(
            "ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=best_effort_timestamp_time", "-of", "csv=p=0", path],
            TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, $"ffprobe failed on {path}: {result.StdErr}");
        return result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => double.Parse(line.TrimEnd(','), CultureInfo.InvariantCulture))
            .ToList();
    }

    /// <summary>Asserts two lists of frame times are equal within a millisecond, frame by frame.</summary>
    public static void AssertSameTimes(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double shift = 0)
    {
        Assert.True(expected.Count == actual.Count, $"{actual.Count} frames where {expected.Count} were expected");
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(
                Math.Abs(expected[i] + shift - actual[i]) <= 0.001,
                $"frame {i}: {actual[i]:0.######} s where {expected[i] + shift:0.######} s was expected\nexpected: {string.Join(' ', expected)}\nactual:   {string.Join(' ', actual)}");
        }
    }
}
