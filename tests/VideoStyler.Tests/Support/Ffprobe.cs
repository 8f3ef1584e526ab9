using System.Globalization;
using System.Text.Json;

namespace VideoStyler.Tests.Support;

/// <summary>Facts about a media file from the real ffprobe (frames are counted by decoding).</summary>
internal static class Ffprobe
{
    public sealed record Streams(int Width, int Height, string FrameRate, int Frames, IReadOnlyList<string> AudioCodecs);

    public static async Task<Streams> ReadAsync(string path)
    {
        var result = await Cli.RunProcessAsync(
            "ffprobe",
            ["-v", "error", "-count_frames", "-print_format", "json", "-show_streams", path],
            TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"ffprobe failed on {path}: {result.StdErr}");
        using var doc = JsonDocument.Parse(result.StdOut);
        var streams = doc.RootElement.GetProperty("streams").EnumerateArray().ToList();
        var video = streams.First(s => s.GetProperty("codec_type").GetString() == "video");
        var audio = streams.Where(s => s.GetProperty("codec_type").GetString() == "audio")
            .Select(s => s.GetProperty("codec_name").GetString()!).ToList();
        return new Streams(
            video.GetProperty("width").GetInt32(),
            video.GetProperty("height").GetInt32(),
            video.GetProperty("avg_frame_rate").GetString()!,
            int.Parse(video.GetProperty("nb_read_frames").GetString()!, CultureInfo.InvariantCulture),
            audio);
    }

    public static double Rate(string rational)
    {
        var parts = rational.Split('/');
        return double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
    }
}
