using System.Globalization;

namespace VideoStyler.Media;

/// <summary>
/// The ffmpeg command that encodes stylized frames (raw BGR24 in Matroska on stdin, input 0) and copies
/// the audio and subtitles of the original file (input 1). Kept free of process handling so tests can
/// check the argument list without running ffmpeg.
/// </summary>
internal static class EncoderArguments
{
    /// <summary>The words of the command (without the program name).</summary>
    public static IReadOnlyList<string> Build(
        VideoInfo input, string outputPath, ContainerProfile profile, string marking, bool cutAudioToVideo = false)
    {
        var subtitles = SubtitlePlan.For(input, profile);
        var args = FfmpegArguments.Quiet()
            .Format(FrameStreamWriter.Format).Input("pipe:0")
            // The frames' timestamps count from the file's start (the decoder's ffmpeg subtracts it);
            // -copyts keeps them, and this shift puts audio and subtitles on the same clock.
            .When(input.StartSeconds != 0, a => a.Seconds("-itsoffset", -input.StartSeconds))
            .Flag("-vn").Flag("-dn").Input(input.Path)
            .Map("0:v:0");
        if (input.AudioCodecs.Count > 0)
        {
            args.Map("1:a?").Words(AudioArguments(input, profile))
                // Only part of the video is stylized (--frames): end the audio with it.
                .When(cutAudioToVideo, a => a.Flag("-shortest"));
        }

        foreach (var (index, _) in subtitles.Kept)
        {
            args.Map("1:s:" + FfmpegArguments.Index(index));
        }

        for (var i = 0; i < subtitles.Kept.Count; i++)
        {
            args.Option("-c:s:" + FfmpegArguments.Index(i), subtitles.Kept[i].Codec);
        }

        if (profile.Extension is ".mp4" or ".m4v" or ".mov")
        {
            // MP4/MOV have no per-track title but a handler name, which players show as the track's name.
            for (var i = 0; i < input.AudioTitles.Count; i++)
            {
                if (input.AudioTitles[i] is { Length: > 0 } title)
                {
                    args.Metadata("handler_name", title, "s:a:" + FfmpegArguments.Index(i));
                }
            }

            for (var i = 0; i < subtitles.Kept.Count; i++)
            {
                var inputIndex = subtitles.Kept[i].InputIndex;
                if (inputIndex < input.SubtitleTitles.Count && input.SubtitleTitles[inputIndex] is { Length: > 0 } title)
                {
                    args.Metadata("handler_name", title, "s:s:" + FfmpegArguments.Index(i));
                }
            }
        }

        return args
            .VideoCodec(profile.VideoCodec)
            .Words(profile.VideoArguments)
            .PixelFormat(profile.PixelFormatFor(input.Width, input.Height))
            // Each frame keeps its own timestamp: no frames duplicated or dropped to fit a rate, and the
            // encoder counts time in the frame stream's milliseconds, not in 1/rate steps.
            .PassthroughTiming()
            .Option("-enc_time_base", "-1")
            .Flag("-copyts")
            .Option("-map_metadata", "1")
            .Metadata("comment", marking)
            .When(profile.FastStart, a => a.Option("-movflags", "+faststart"))
            .Output(outputPath, overwrite: true)
            .Build();
    }

    /// <summary>"-c:a:N copy" for each audio stream that fits the container, else a re-encode to its codec.</summary>
    internal static IReadOnlyList<string> AudioArguments(VideoInfo input, ContainerProfile profile)
    {
        var args = new FfmpegArguments();
        for (var i = 0; i < input.AudioCodecs.Count; i++)
        {
            var codec = profile.AudioCopyable.Contains(input.AudioCodecs[i]) ? "copy" : profile.AudioFallbackCodec;
            args.Option(string.Create(CultureInfo.InvariantCulture, $"-c:a:{i}"), codec);
        }

        return args.Build();
    }
}
