namespace VideoStyler.Media;

/// <summary>
/// The ffmpeg command that encodes one segment of a scale-out job: the output container's video encoder
/// with exactly the settings of a `stylize` run (<see cref="ContainerProfile"/>), a keyframe forced on
/// the first frame (so the join can cut there), every frame's own timestamp kept, and no audio or
/// subtitles (the join takes those once from the source).
/// </summary>
internal static class SegmentEncoderArguments
{
    /// <summary>The words of the command (without the program name).</summary>
    public static IReadOnlyList<string> Build(VideoInfo input, string outputPath, ContainerProfile profile) =>
        FfmpegArguments.Quiet()
            .Format(FrameStreamWriter.Format).Input("pipe:0")
            .Map("0:v:0")
            .VideoCodec(profile.VideoCodec)
            .Words(profile.VideoArguments)
            .PixelFormat(profile.PixelFormatFor(input.Width, input.Height))
            .Option("-force_key_frames", "expr:eq(n,0)")
            .PassthroughTiming()
            .Option("-enc_time_base", "-1")
            .Flag("-copyts")
            .VideoOnly()
            .Format("matroska")
            .Output(outputPath, overwrite: true)
            .Build();
}
