using System.Globalization;
using System.Text.Json;

namespace VideoStyler.Media;

/// <summary>Asks ffprobe what a live stream (a URL) sends: picture size and frame rate.</summary>
internal static class StreamProbe
{
    /// <summary>The first video stream's size and rate; within 15 s, or a one-line error.</summary>
    public static async Task<(int Width, int Height, double Fps)> ProbeAsync(string url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        (int ExitCode, string StdOut, string StdErr) result;
        try
        {
            result = await FfmpegLauncher.RunAsync("ffprobe", ProbeArguments.FirstVideoStream(url), timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UserFacingException($"live: {url} sent no video within 15 s (give --video-size and --fps to skip probing)");
        }

        if (result.ExitCode != 0)
        {
            var reason = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            throw new UserFacingException($"live: cannot open {url} ({reason ?? $"ffprobe exit code {result.ExitCode}"})");
        }

        using var document = JsonDocument.Parse(result.StdOut);
        var streams = document.RootElement.TryGetProperty("streams", out var s) ? s : default;
        if (streams.ValueKind != JsonValueKind.Array || streams.GetArrayLength() == 0)
        {
            throw new UserFacingException($"live: {url} has no video stream");
        }

        var video = streams[0];
        var width = video.TryGetProperty("width", out var w) ? w.GetInt32() : 0;
        var height = video.TryGetProperty("height", out var h) ? h.GetInt32() : 0;
        if (width <= 0 || height <= 0)
        {
            throw new UserFacingException($"live: {url} does not say its picture size (give --video-size)");
        }

        var fps = video.TryGetProperty("avg_frame_rate", out var a) ? ParseRate(a.GetString()) : 0;
        if (fps <= 0 && video.TryGetProperty("r_frame_rate", out var r))
        {
            fps = ParseRate(r.GetString());
        }

        return (width, height, fps is > 0 and < 1000 ? fps : 30);
    }

    private static double ParseRate(string? text)
    {
        var parts = (text ?? "").Split('/');
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0
            ? n / d
            : 0;
    }
}
