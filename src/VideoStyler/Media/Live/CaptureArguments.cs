using System.Globalization;

namespace VideoStyler.Media;

/// <summary>
/// The ffmpeg command line that turns a live source into raw BGR24 frames on stdout. Kept free of
/// process handling so tests can check it without a camera.
/// </summary>
internal static class CaptureArguments
{
    /// <summary>The words of the command (without the program name).</summary>
    public static IReadOnlyList<string> Build(LiveSource source)
    {
        var args = new FfmpegArguments().Flag("-hide_banner").Flag("-nostdin").LogLevel("error");
        switch (source.Kind)
        {
            case LiveSourceKind.Webcam:
                args.Format("v4l2")
                    .Option("-framerate", source.FrameRateText)
                    .Option("-video_size", string.Create(CultureInfo.InvariantCulture, $"{source.Width}x{source.Height}"))
                    .Input(source.Target);
                break;
            case LiveSourceKind.Stream:
                // No input buffering: a live stream should be shown as soon as it arrives.
                // Probe for at most a second (a stream starts sending at once, or not at all).
                args.Option("-analyzeduration", "1000000")
                    .Option("-fflags", "nobuffer")
                    .Option("-flags", "low_delay")
                    .Input(source.Target);
                break;
            case LiveSourceKind.File:
                // Decoded as fast as we read; LiveCapture paces the frames on the clock (see there).
                args.When(source.Loop, a => a.Option("-stream_loop", "-1")).Input(source.Target);
                break;
        }

        var filters = string.Create(CultureInfo.InvariantCulture, $"scale={source.Width}:{source.Height}");
        if (source.Kind == LiveSourceKind.File)
        {
            // Constant rate, so frame N is due N / fps seconds after the start.
            filters += string.Create(CultureInfo.InvariantCulture, $",fps={source.FramesPerSecond:0.###}");
        }
        else if (source.ForcedFps is { } fps && source.Kind == LiveSourceKind.Stream)
        {
            filters += string.Create(CultureInfo.InvariantCulture, $",fps={fps:0.###}");
        }

        return args
            .Map("0:v:0")
            .VideoFilter(filters)
            .PassthroughTiming()
            .PixelFormat("bgr24")
            .VideoOnly()
            .Format("rawvideo")
            .Output("pipe:1")
            .Build();
    }
}
