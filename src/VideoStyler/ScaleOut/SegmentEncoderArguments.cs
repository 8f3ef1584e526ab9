using FFMpegCore;
using FFMpegCore.Pipes;
using VideoStyler.Sinks;
using VideoStyler.Sources;

namespace VideoStyler.ScaleOut;

/// <summary>
/// The ffmpeg command that encodes one segment: the output container's video encoder with exactly the
/// settings of a `stylize` run (<see cref="ContainerProfile"/>), a keyframe forced on the first frame
/// (so the join can cut there), every frame's own timestamp kept, and no audio or subtitles (the join
/// takes those once from the source).
/// </summary>
internal static class SegmentEncoderArguments
{
    public static FFMpegArgumentProcessor Build(IPipeSource frames, VideoInfo input, string outputPath, ContainerProfile profile) =>
        FFMpegArguments
            .FromPipeInput(frames)
            .OutputToFile(outputPath, overwrite: true, o => o
                .WithCustomArgument("-map 0:v:0")
                .WithCustomArgument($"-c:v {profile.VideoCodec}")
                .WithCustomArgument(string.Join(' ', profile.VideoArguments))
                .WithCustomArgument($"-pix_fmt {profile.PixelFormatFor(input.Width, input.Height)}")
                .WithCustomArgument("-force_key_frames expr:eq(n,0)")
                .WithCustomArgument("-fps_mode passthrough -enc_time_base -1 -copyts")
                .WithCustomArgument("-an -sn -dn -nostats")
                .WithCustomArgument("-f matroska"));
}
