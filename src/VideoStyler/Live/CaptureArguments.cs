using System.Globalization;

namespace VideoStyler.Live;

/// <summary>
/// The ffmpeg command line that turns a live source into raw BGR24 frames on stdout. Kept free of
/// process handling so tests can check it without a camera.
/// </summary>
internal static class CaptureArguments
{
    public static IReadOnlyList<string> Build(LiveSource source)
    {
        var args = new List<string> { "-hide_banner", "-nostdin", "-loglevel", "error" };
        switch (source.Kind)
        {
            case LiveSourceKind.Webcam:
                args.AddRange([
                    "-f", "v4l2",
                    "-framerate", source.FrameRateText,
                    "-video_size", $"{source.Width}x{source.Height}",
                    "-i", source.Target,
                ]);
                break;
            case LiveSourceKind.Stream:
                // No input buffering: a live stream should be shown as soon as it arrives.
                // Probe for at most a second (a stream starts sending at once, or not at all).
                args.AddRange(["-analyzeduration", "1000000", "-fflags", "nobuffer", "-flags", "low_delay", "-i", source.Target]);
                break;
            case LiveSourceKind.File:
                // Decoded as fast as we read; LiveCapture paces the frames on the clock (see there).
                if (source.Loop)
                {
                    args.AddRange(["-stream_loop", "-1"]);
                }

                args.AddRange(["-i", source.Target]);
                break;
        }

        var filters = $"scale={source.Width}:{source.Height}";
        if (source.Kind == LiveSourceKind.File)
        {
            // Constant rate, so frame N is due N / fps seconds after the start.
            filters += string.Create(CultureInfo.InvariantCulture, $",fps={source.FramesPerSecond:0.###}");
        }
        else if (source.ForcedFps is { } fps && source.Kind == LiveSourceKind.Stream)
        {
            filters += string.Create(CultureInfo.InvariantCulture, $",fps={fps:0.###}");
        }

        args.AddRange([
            "-map", "0:v:0",
            "-vf", filters,
            "-fps_mode", "passthrough",
            "-pix_fmt", "bgr24",
            "-an", "-sn", "-dn",
            "-f", "rawvideo",
            "pipe:1",
        ]);
        return args;
    }
}
