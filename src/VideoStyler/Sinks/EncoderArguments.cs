using System.Globalization;
using FFMpegCore;
using FFMpegCore.Pipes;
using VideoStyler.Sources;

namespace VideoStyler.Sinks;

/// <summary>
/// Builds the ffmpeg command that encodes stylized frames (raw BGR24 on a pipe, input 0) and copies
/// the audio of the original file (input 1). Kept free of process handling so tests can check the
/// argument string without running ffmpeg.
/// </summary>
internal static class EncoderArguments
{
    public static FFMpegArgumentProcessor Build(
        IPipeSource frames, VideoInfo input, string outputPath, ContainerProfile profile, string marking, bool cutAudioToVideo = false)
    {
        var subtitles = SubtitlePlan.For(input, profile);
        return FFMpegArguments
            .FromPipeInput(frames)
            .AddFileInput(input.Path, verifyExists: false, o =>
            {
                // The frames' timestamps count from the file's start (the decoder's ffmpeg subtracts
                // it); -copyts keeps them, and this shift puts audio and subtitles on the same clock.
                if (input.StartSeconds != 0)
                {
                    o.WithCustomArgument(string.Create(CultureInfo.InvariantCulture, $"-itsoffset {-input.StartSeconds:0.######}"));
                }

                o.WithCustomArgument("-vn -dn");
            })
            .OutputToFile(outputPath, overwrite: true, o =>
            {
                o.WithCustomArgument("-map 0:v:0");
                if (input.AudioCodecs.Count > 0)
                {
                    o.WithCustomArgument("-map 1:a?");
                    o.WithCustomArgument(AudioArguments(input, profile));
                    if (cutAudioToVideo)
                    {
                        // Only part of the video is stylized (--frames): end the audio with it.
                        o.WithShortest();
                    }
                }

                foreach (var (index, _) in subtitles.Kept)
                {
                    o.WithCustomArgument(string.Create(CultureInfo.InvariantCulture, $"-map 1:s:{index}"));
                }

                for (var i = 0; i < subtitles.Kept.Count; i++)
                {
                    o.WithCustomArgument(string.Create(CultureInfo.InvariantCulture, $"-c:s:{i} {subtitles.Kept[i].Codec}"));
                }

                if (profile.Extension is ".mp4" or ".m4v" or ".mov")
                {
                    // MP4/MOV have no per-track title but a handler name, which players show as the track's name.
                    for (var i = 0; i < input.AudioTitles.Count; i++)
                    {
                        if (input.AudioTitles[i] is { Length: > 0 } title)
                        {
                            o.WithCustomArgument(string.Create(CultureInfo.InvariantCulture, $"-metadata:s:a:{i} handler_name={Quote(title)}"));
                        }
                    }

                    for (var i = 0; i < subtitles.Kept.Count; i++)
                    {
                        var inputIndex = subtitles.Kept[i].InputIndex;
                        if (inputIndex < input.SubtitleTitles.Count && input.SubtitleTitles[inputIndex] is { Length: > 0 } title)
                        {
                            o.WithCustomArgument(string.Create(CultureInfo.InvariantCulture, $"-metadata:s:s:{i} handler_name={Quote(title)}"));
                        }
                    }
                }

                o.WithCustomArgument($"-c:v {profile.VideoCodec}")
                    .WithCustomArgument(string.Join(' ', profile.VideoArguments))
                    .WithCustomArgument($"-pix_fmt {profile.PixelFormatFor(input.Width, input.Height)}")
                    // Each frame keeps its own timestamp: no frames duplicated or dropped to fit a rate,
                    // and the encoder counts time in the frame stream's milliseconds, not in 1/rate steps.
                    .WithCustomArgument("-fps_mode passthrough -enc_time_base -1 -copyts")
                    // No periodic "frame= ..." lines: each is a string and a parse per line on our side.
                    .WithCustomArgument("-nostats")
                    .WithCustomArgument("-map_metadata 1")
                    .WithCustomArgument($"-metadata comment={Quote(marking)}");
                if (profile.FastStart)
                {
                    o.WithCustomArgument("-movflags +faststart");
                }
            });
    }

    /// <summary>"-c:a copy" when every audio stream fits the container, else a re-encode to its codec.</summary>
    internal static string AudioArguments(VideoInfo input, ContainerProfile profile)
    {
        var parts = new List<string>();
        for (var i = 0; i < input.AudioCodecs.Count; i++)
        {
            var codec = profile.AudioCopyable.Contains(input.AudioCodecs[i]) ? "copy" : profile.AudioFallbackCodec;
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"-c:a:{i} {codec}"));
        }

        return string.Join(' ', parts);
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
