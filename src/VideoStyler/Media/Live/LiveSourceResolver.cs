namespace VideoStyler.Media;

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

                var (probedWidth, probedHeight, probedFps) = await StreamProbe.ProbeAsync(input, cancellationToken);
                var (width, height) = size ?? (probedWidth, probedHeight);
                return new LiveSource
                {
                    Kind = kind, Target = input, Width = width, Height = height, FramesPerSecond = fps ?? probedFps, ForcedFps = fps,
                };
            }
        }
    }
}
