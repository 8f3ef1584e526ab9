using System.Globalization;
using System.Text.Json;
using VideoStyler.Sources;

namespace VideoStyler.Live;

/// <summary>Turns --input (and --video-size, --fps, --loop) into a <see cref="LiveSource"/>, probing files and streams.</summary>
internal static class LiveSourceResolver
{
    public static async Task<LiveSource> ResolveAsync(string input, string? videoSize, double? fps, bool loop, CancellationToken cancellationToken)
    {
        (int Width, int Height)? size = videoSize is null ? null : LiveSource.ParseSize(videoSize);
        var kind = LiveSource.Classify(input);
        switch (kind)
        {
            case LiveSourceKind.Webcam:
            {
                var device = LiveSource.DevicePath(input);
                if (!File.Exists(device))
                {
                    throw new UserFacingException($"live: no camera at {device}");
                }

                var (width, height) = size ?? (640, 480);
                return new LiveSource { Kind = kind, Target = device, Width = width, Height = height, FramesPerSecond = fps ?? 30 };
            }

            case LiveSourceKind.File:
            {
                var info = await VideoProbe.ProbeAsync(input, cancellationToken);
                var (width, height) = size ?? (info.Width, info.Height);
                var rate = fps ?? (info.FramesPerSecond > 0 ? info.FramesPerSecond : 30);
                return new LiveSource
                {
                    Kind = kind, Target = input, Width = width, Height = height, FramesPerSecond = rate, ForcedFps = fps, Loop = loop,
                };
            }

            default:
            {
                if (size is { } known && fps is { } rate)
                {
                    return new LiveSource { Kind = kind, Target = input, Width = known.Width, Height = known.Height, FramesPerSecond = rate, ForcedFps = rate };
                }

                var (probedWidth, probedHeight, probedFps) = await ProbeStreamAsync(input, cancellationToken);
                var (width, height) = size ?? (probedWidth, probedHeight);
                return new LiveSource
                {
                    Kind = kind, Target = input, Width = width, Height = height, FramesPerSecond = fps ?? probedFps, ForcedFps = fps,
                };
            }
        }
    }

    private static async Task<(int Width, int Height, double Fps)> ProbeStreamAsync(string url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        (int ExitCode, string StdOut, string StdErr) result;
        try
        {
            result = await ProcessRunner.RunAsync(
                "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_streams", "-print_format", "json", url], timeout.Token);
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
