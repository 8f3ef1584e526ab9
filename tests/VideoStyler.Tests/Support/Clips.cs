namespace VideoStyler.Tests.Support;

/// <summary>Makes small test clips with the real ffmpeg (lavfi sources), so odd cases need no stored files.</summary>
internal static class Clips
{
    public static async Task<string> MakeAsync(string folder, string name, params string[] ffmpegArgs)
    {
        var path = Path.Combine(folder, name);
        var run = await Cli.RunProcessAsync("ffmpeg", ["-v", "error", "-y", .. ffmpegArgs, path], TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, $"ffmpeg could not make {name}: {run.StdErr}");
        return path;
    }

    /// <summary>A moving test pattern of the given size and frame count (h264 in 4:4:4 when odd-sized).</summary>
    public static Task<string> PatternAsync(string folder, string name, int width, int height, int frames, int rate = 25) =>
        MakeAsync(
            folder,
            name,
            // testsrc2 rounds sizes down to even numbers; the scale filter makes the exact (odd) size.
            "-f", "lavfi", "-i", $"testsrc2=size={width + (width % 2)}x{height + (height % 2)}:rate={rate}",
            "-vf", $"scale={width}:{height}",
            "-frames:v", frames.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", width % 2 == 1 || height % 2 == 1 ? "yuv444p" : "yuv420p");
}
