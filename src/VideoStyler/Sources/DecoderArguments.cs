using FFMpegCore;
using FFMpegCore.Pipes;

namespace VideoStyler.Sources;

/// <summary>Builds the ffmpeg command that decodes the first video stream to raw BGR24 frames on a pipe.</summary>
public static class DecoderArguments
{
    public static FFMpegArgumentProcessor Build(VideoInfo input, IPipeSink sink) =>
        FFMpegArguments
            .FromFileInput(input.Path, verifyExists: false)
            .OutputToPipe(sink, o => o
                .WithCustomArgument("-map 0:v:0")
                // Rotation metadata is applied by ffmpeg's autorotate (on by default), so frames arrive
                // upright at the display size VideoProbe reports; force that size in case they do not.
                .WithCustomArgument($"-vf scale={input.Width}:{input.Height}")
                .WithCustomArgument("-fps_mode passthrough")
                .WithCustomArgument("-pix_fmt bgr24")
                .WithCustomArgument("-an -sn -dn")
                // No periodic "frame= ..." lines: each is a string and a parse per line on our side.
                .WithCustomArgument("-nostats"));
}
