using System.Text.Json;

namespace VideoStyler.Tests.Live;

/// <summary>Frame colours of a received stream, and /status polling.</summary>
internal static class LiveTestSupport
{
    /// <summary>Mean colour saturation (0..255) of every decoded frame, in order.</summary>
    public static async Task<List<double>> FrameSaturationsAsync(string path)
    {
        const int w = 64, h = 48;
        var output = Path.ChangeExtension(path, ".rgb");
        var run = await Support.Cli.RunProcessAsync(
            "ffmpeg", ["-v", "error", "-y", "-i", path, "-vf", $"scale={w}:{h}", "-fps_mode", "passthrough", "-pix_fmt", "rgb24", "-f", "rawvideo", output],
            TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, run.ToString());
        var bytes = await File.ReadAllBytesAsync(output);
        var result = new List<double>();
        for (var offset = 0; offset + (w * h * 3) <= bytes.Length; offset += w * h * 3)
        {
            double sum = 0;
            for (var p = offset; p < offset + (w * h * 3); p += 3)
            {
                var max = Math.Max(bytes[p], Math.Max(bytes[p + 1], bytes[p + 2]));
                var min = Math.Min(bytes[p], Math.Min(bytes[p + 1], bytes[p + 2]));
                sum += max == 0 ? 0 : (max - min) * 255.0 / max;
            }

            result.Add(sum / (w * h));
        }

        return result;
    }

    public static async Task<JsonElement?> TryStatusAsync(HttpClient http, int port)
    {
        try
        {
            var text = await http.GetStringAsync($"http://127.0.0.1:{port}/status");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Polls /status of a live run until <paramref name="condition"/> holds; fails if it ends first or time runs out.</summary>
    public static async Task<JsonElement> WaitForStatusAsync(
        HttpClient http, int port, BackgroundProcess live, Func<JsonElement, bool> condition, string what, double seconds)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        JsonElement? last = null;
        while (DateTime.UtcNow < until)
        {
            Assert.False(live.HasExited, "live ended early:\n" + live.Output());
            last = await TryStatusAsync(http, port) ?? last;
            if (last is { } status && condition(status))
            {
                return status;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"no {what} within {seconds} s; last /status: {last}\n{live.Output()}");
        return default;
    }

    public static long Get(JsonElement status, string name) => status.GetProperty(name).GetInt64();
}
