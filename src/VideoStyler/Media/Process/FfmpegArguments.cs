using System.Globalization;

namespace VideoStyler.Media;

/// <summary>
/// Builds an ffmpeg/ffprobe command line as a list of words, one option and one value per item: what
/// <see cref="FfmpegLauncher"/> passes on as they are, so nothing is ever quoted or split by a shell.
/// Numbers are written in the invariant culture. Options belong to the input or output that follows them,
/// as on ffmpeg's own command line.
/// </summary>
internal sealed class FfmpegArguments
{
    private readonly List<string> _words = [];

    /// <summary>The usual start: no banner, no keyboard interaction, no periodic "frame= ..." lines.</summary>
    public static FfmpegArguments Quiet() => new FfmpegArguments().Flag("-hide_banner").Flag("-nostdin").Flag("-nostats");

    /// <summary>An option without a value, e.g. <c>-an</c>.</summary>
    public FfmpegArguments Flag(string name)
    {
        _words.Add(name);
        return this;
    }

    /// <summary>An option and its value, e.g. <c>-c:v libx264</c>.</summary>
    public FfmpegArguments Option(string name, string value)
    {
        _words.Add(name);
        _words.Add(value);
        return this;
    }

    /// <summary>An option with a number in seconds (up to microseconds, invariant culture).</summary>
    public FfmpegArguments Seconds(string name, double seconds) => Option(name, FormatSeconds(seconds));

    /// <summary>Several words as they are (a profile's encoder settings).</summary>
    public FfmpegArguments Words(IEnumerable<string> words)
    {
        _words.AddRange(words);
        return this;
    }

    /// <summary>Adds what <paramref name="add"/> adds only when <paramref name="condition"/> holds.</summary>
    public FfmpegArguments When(bool condition, Action<FfmpegArguments> add)
    {
        if (condition)
        {
            add(this);
        }

        return this;
    }

    public FfmpegArguments LogLevel(string level) => Option("-loglevel", level);

    /// <summary>An input (a file, a device, a URL or <c>pipe:0</c>); the options before it apply to it.</summary>
    public FfmpegArguments Input(string target) => Option("-i", target);

    /// <summary>A container format (before an input: how to read it; before an output: how to write it).</summary>
    public FfmpegArguments Format(string format) => Option("-f", format);

    public FfmpegArguments Map(string streams) => Option("-map", streams);

    public FfmpegArguments VideoFilter(string filters) => Option("-vf", filters);

    public FfmpegArguments VideoCodec(string codec) => Option("-c:v", codec);

    public FfmpegArguments PixelFormat(string format) => Option("-pix_fmt", format);

    /// <summary>Each frame keeps its own timestamp: none duplicated or dropped to fit a rate.</summary>
    public FfmpegArguments PassthroughTiming() => Option("-fps_mode", "passthrough");

    /// <summary>No audio, subtitle or data streams in the next output.</summary>
    public FfmpegArguments VideoOnly() => Flag("-an").Flag("-sn").Flag("-dn");

    /// <summary>A <c>key=value</c> metadata entry (<paramref name="specifier"/> e.g. <c>s:a:0</c> for a stream).</summary>
    public FfmpegArguments Metadata(string key, string value, string? specifier = null) =>
        Option(specifier is null ? "-metadata" : "-metadata:" + specifier, key + "=" + value);

    /// <summary>The output (a file, a device, a URL or <c>pipe:1</c>); <paramref name="overwrite"/> adds <c>-y</c> before it.</summary>
    public FfmpegArguments Output(string target, bool overwrite = false)
    {
        if (overwrite)
        {
            _words.Add("-y");
        }

        _words.Add(target);
        return this;
    }

    public IReadOnlyList<string> Build() => _words.ToArray();

    internal static string FormatSeconds(double seconds) => seconds.ToString("0.######", CultureInfo.InvariantCulture);

    internal static string Index(int index) => index.ToString(CultureInfo.InvariantCulture);
}
