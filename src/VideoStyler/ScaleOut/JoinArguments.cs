using System.Globalization;
using VideoStyler.Sinks;
using VideoStyler.Sources;

namespace VideoStyler.ScaleOut;

/// <summary>
/// The ffmpeg command that joins a job's segments: the video from the concat demuxer, copied (no
/// re-encode), the audio and subtitles from the source once, mapped and converted as a `stylize` run
/// does (<see cref="EncoderArguments"/>), with the same metadata and marking.
/// </summary>
internal static class JoinArguments
{
    public static IReadOnlyList<string> Build(
        string concatList, double firstFrameSeconds, VideoInfo input, string outputPath, ContainerProfile profile, string marking, bool cutAudioToVideo)
    {
        var args = new List<string> { "-hide_banner", "-nostdin", "-v", "error", "-nostats" };
        // The concat demuxer starts the first file at 0; put the first frame back where it was.
        if (firstFrameSeconds != 0)
        {
            args.AddRange(["-itsoffset", Seconds(firstFrameSeconds)]);
        }

        args.AddRange(["-f", "concat", "-safe", "0", "-i", concatList]);
        if (input.StartSeconds != 0)
        {
            args.AddRange(["-itsoffset", Seconds(-input.StartSeconds)]);
        }

        args.AddRange(["-vn", "-dn", "-i", input.Path, "-map", "0:v:0"]);
        if (input.AudioCodecs.Count > 0)
        {
            args.AddRange(["-map", "1:a?"]);
            args.AddRange(EncoderArguments.AudioArguments(input, profile).Split(' ', StringSplitOptions.RemoveEmptyEntries));
            if (cutAudioToVideo)
            {
                args.Add("-shortest");
            }
        }

        var subtitles = SubtitlePlan.For(input, profile);
        for (var i = 0; i < subtitles.Kept.Count; i++)
        {
            args.AddRange(["-map", string.Create(CultureInfo.InvariantCulture, $"1:s:{subtitles.Kept[i].InputIndex}")]);
            args.AddRange([string.Create(CultureInfo.InvariantCulture, $"-c:s:{i}"), subtitles.Kept[i].Codec]);
        }

        if (profile.Extension is ".mp4" or ".m4v" or ".mov")
        {
            for (var i = 0; i < input.AudioTitles.Count; i++)
            {
                if (input.AudioTitles[i] is { Length: > 0 } title)
                {
                    args.AddRange([string.Create(CultureInfo.InvariantCulture, $"-metadata:s:a:{i}"), $"handler_name={title}"]);
                }
            }
        }

        args.AddRange(["-c:v", "copy", "-copyts", "-map_metadata", "1", "-metadata", $"comment={marking}"]);
        if (profile.FastStart)
        {
            args.AddRange(["-movflags", "+faststart"]);
        }

        // The temporary name keeps the extension, which picks the container.
        args.AddRange(["-y", outputPath]);
        return args;
    }

    private static string Seconds(double seconds) => seconds.ToString("0.######", CultureInfo.InvariantCulture);
}
