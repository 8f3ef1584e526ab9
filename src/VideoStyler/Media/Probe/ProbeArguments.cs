namespace VideoStyler.Media;

/// <summary>The ffprobe command lines (JSON or CSV on stdout, errors only on stderr).</summary>
internal static class ProbeArguments
{
    /// <summary>Every stream and the container of a file, as JSON.</summary>
    public static IReadOnlyList<string> File(string path) =>
        new FfmpegArguments()
            .Option("-v", "error")
            .Option("-print_format", "json")
            .Flag("-show_format")
            .Flag("-show_streams")
            // "-i": a file name that starts with a dash is a file, not an option.
            .Input(path)
            .Build();

    /// <summary>The first video stream of a live source (a URL), as JSON.</summary>
    public static IReadOnlyList<string> FirstVideoStream(string url) =>
        new FfmpegArguments()
            .Option("-v", "error")
            .Option("-select_streams", "v:0")
            .Flag("-show_streams")
            .Option("-print_format", "json")
            .Output(url)
            .Build();

    /// <summary>"pts_time,flags" per packet of the first video stream, as CSV (no decoding).</summary>
    public static IReadOnlyList<string> VideoPackets(string path) =>
        new FfmpegArguments()
            .Option("-v", "error")
            .Option("-select_streams", "v:0")
            .Option("-show_entries", "packet=pts_time,flags")
            .Option("-of", "csv=p=0")
            .Output(path)
            .Build();
}
