using System.Globalization;
using VideoStyler.Sources;

namespace VideoStyler.Sinks;

/// <summary>
/// What happens to each subtitle stream of the input in a given output container: copied as it is,
/// converted to the container's text format (text subtitles into MP4/MOV become mov_text, into WebM
/// WebVTT, odd text formats into Matroska SubRip), or dropped with a notice (bitmap subtitles a
/// container cannot carry). Stream metadata (language, title) follows the mapped streams.
/// </summary>
internal sealed class SubtitlePlan
{
    private static readonly HashSet<string> TextCodecs = new(StringComparer.Ordinal)
    {
        "subrip", "srt", "ass", "ssa", "webvtt", "mov_text", "text", "microdvd", "subviewer", "subviewer1",
        "sami", "realtext", "jacosub", "mpl2", "pjs", "vplayer", "stl",
    };

    /// <summary>Codecs Matroska stores as they are.</summary>
    private static readonly HashSet<string> MatroskaCopyable = new(StringComparer.Ordinal)
    {
        "subrip", "ass", "ssa", "webvtt", "hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle",
    };

    private SubtitlePlan(IReadOnlyList<(int InputIndex, string Codec)> kept, IReadOnlyList<string> notices)
    {
        Kept = kept;
        Notices = notices;
    }

    /// <summary>Input subtitle stream index (among subtitle streams) and the output codec ("copy" or an encoder).</summary>
    public IReadOnlyList<(int InputIndex, string Codec)> Kept { get; }

    /// <summary>One line per dropped stream.</summary>
    public IReadOnlyList<string> Notices { get; }

    public static SubtitlePlan For(VideoInfo input, ContainerProfile profile)
    {
        var kept = new List<(int, string)>();
        var notices = new List<string>();
        for (var i = 0; i < input.SubtitleCodecs.Count; i++)
        {
            var codec = input.SubtitleCodecs[i];
            var text = TextCodecs.Contains(codec);
            string? output = profile.Extension switch
            {
                ".mkv" => MatroskaCopyable.Contains(codec) ? "copy" : text ? "srt" : null,
                ".mp4" or ".m4v" or ".mov" => codec == "mov_text" ? "copy" : text ? "mov_text" : null,
                ".webm" => codec == "webvtt" ? "copy" : text ? "webvtt" : null,
                _ => null,
            };
            if (output is null)
            {
                notices.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"subtitle stream {i} ({codec}) dropped: {profile.Extension} cannot carry {(text ? "it" : "bitmap subtitles")}{(profile.Extension == ".mkv" ? "" : "; write .mkv to keep it")}"));
                continue;
            }

            kept.Add((i, output));
        }

        return new SubtitlePlan(kept, notices);
    }
}
