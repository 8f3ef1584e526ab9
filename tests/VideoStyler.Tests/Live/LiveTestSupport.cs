using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Live;

/// <summary>A free port (where the process under test cannot bind port 0), frame colours of a received stream, and /status polling.</summary>
internal static class LiveTestSupport
{
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

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

    /// <summary>Waits until /status answers with frames flowing (the model loaded, ffmpeg started).</summary>
    public static async Task<JsonElement> WaitForFramesAsync(HttpClient http, int port, Task<ProcessResult> run, long frames, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (run.IsCompleted)
            {
                Assert.Fail("live ended early: " + await run);
            }

            if (await TryStatusAsync(http, port) is { } status && status.GetProperty("frames_out").GetInt64() >= frames)
            {
                return status;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"no {frames} frames out within {timeout}");
        return default;
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
