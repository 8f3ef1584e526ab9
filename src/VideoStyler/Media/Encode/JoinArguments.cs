namespace VideoStyler.Media;

/// <summary>
/// The ffmpeg command that joins a job's segments: the video from the concat demuxer, copied (no
/// re-encode), the audio and subtitles from the source once, mapped and converted as a `stylize` run
/// does (<see cref="EncoderArguments"/>), with the same metadata and marking.
/// </summary>
internal static class JoinArguments
{
    /// <summary>The words of the command (without the program name).</summary>
    public static IReadOnlyList<string> Build(
        string concatList, double firstFrameSeconds, VideoInfo input, string outputPath, ContainerProfile profile, string marking, bool cutAudioToVideo)
    {
        var args = FfmpegArguments.Quiet().LogLevel("error")
            // The concat demuxer starts the first file at 0; put the first frame back where it was.
            .When(firstFrameSeconds != 0, a => a.Seconds("-itsoffset", firstFrameSeconds))
            .Format("concat").Option("-safe", "0").Input(concatList)
            .When(input.StartSeconds != 0, a => a.Seconds("-itsoffset", -input.StartSeconds))
            .Flag("-vn").Flag("-dn").Input(input.Path)
            .Map("0:v:0");
        if (input.AudioCodecs.Count > 0)
        {
            args.Map("1:a?").Words(EncoderArguments.AudioArguments(input, profile)).When(cutAudioToVideo, a => a.Flag("-shortest"));
        }

        var subtitles = SubtitlePlan.For(input, profile);
        for (var i = 0; i < subtitles.Kept.Count; i++)
        {
            args.Map("1:s:" + FfmpegArguments.Index(subtitles.Kept[i].InputIndex))
                .Option("-c:s:" + FfmpegArguments.Index(i), subtitles.Kept[i].Codec);
        }

        if (profile.Extension is ".mp4" or ".m4v" or ".mov")
        {
            for (var i = 0; i < input.AudioTitles.Count; i++)
            {
                if (input.AudioTitles[i] is { Length: > 0 } title)
                {
                    args.Metadata("handler_name", title, "s:a:" + FfmpegArguments.Index(i));
                }
            }
        }

        return args
            .VideoCodec("copy")
            .Flag("-copyts")
            .Option("-map_metadata", "1")
            .Metadata("comment", marking)
            .When(profile.FastStart, a => a.Option("-movflags", "+faststart"))
            // The temporary name keeps the extension, which picks the container.
            .Output(outputPath, overwrite: true)
            .Build();
    }
}
