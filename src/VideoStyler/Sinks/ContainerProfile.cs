namespace VideoStyler.Sinks;

/// <summary>
/// What we write for an output extension: the video encoder and its settings, and which audio codecs
/// the container can carry as they are (others are re-encoded to <see cref="AudioFallbackCodec"/>).
/// </summary>
internal sealed record ContainerProfile(
    string Extension,
    string VideoCodec,
    IReadOnlyList<string> VideoArguments,
    IReadOnlySet<string> AudioCopyable,
    string AudioFallbackCodec,
    bool FastStart)
{
    private static readonly string[] X264 = ["-preset", "veryfast", "-crf", "18"];

    private static readonly IReadOnlyDictionary<string, ContainerProfile> Profiles =
        new Dictionary<string, ContainerProfile>(StringComparer.OrdinalIgnoreCase)
        {
            [".mp4"] = new(".mp4", "libx264", X264,
                new HashSet<string>(StringComparer.Ordinal) { "aac", "mp3", "ac3", "eac3", "alac", "opus", "flac" }, "aac", true),
            [".m4v"] = new(".m4v", "libx264", X264,
                new HashSet<string>(StringComparer.Ordinal) { "aac", "mp3", "ac3", "eac3", "alac" }, "aac", true),
            [".mov"] = new(".mov", "libx264", X264,
                new HashSet<string>(StringComparer.Ordinal) { "aac", "mp3", "ac3", "alac", "pcm_s16le", "pcm_s24le", "pcm_f32le" }, "aac", true),
            // Matroska carries nearly every audio codec as it is.
            [".mkv"] = new(".mkv", "libx264", X264,
                new HashSet<string>(StringComparer.Ordinal) { "aac", "mp3", "ac3", "eac3", "dts", "opus", "vorbis", "flac", "alac", "pcm_s16le", "pcm_s24le", "truehd" }, "flac", false),
            // WebM allows only VP8/VP9/AV1 video and Opus/Vorbis audio.
            [".webm"] = new(".webm", "libvpx-vp9",
                ["-crf", "32", "-b:v", "0", "-deadline", "good", "-cpu-used", "4", "-row-mt", "1"],
                new HashSet<string>(StringComparer.Ordinal) { "opus", "vorbis" }, "libopus", false),
        };

    public static IEnumerable<string> SupportedExtensions => Profiles.Keys;

    public static ContainerProfile ForPath(string outputPath)
    {
        var extension = Path.GetExtension(outputPath);
        if (string.IsNullOrEmpty(extension) || !Profiles.TryGetValue(extension, out var profile))
        {
            throw new UserFacingException(
                $"unsupported output container '{(string.IsNullOrEmpty(extension) ? "(no extension)" : extension)}' " +
                $"for {outputPath} (use {string.Join(", ", Profiles.Keys)})");
        }

        return profile;
    }

    /// <summary>
    /// Pixel format for the encoder. 4:2:0 needs even dimensions; x264 can keep odd ones in 4:4:4
    /// (High 4:4:4 profile), so the size is never changed.
    /// </summary>
    public string PixelFormatFor(int width, int height) =>
        VideoCodec == "libx264" && (width % 2 == 1 || height % 2 == 1) ? "yuv444p" : "yuv420p";
}
