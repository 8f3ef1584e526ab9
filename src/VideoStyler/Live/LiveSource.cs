using System.Globalization;
using System.Text.RegularExpressions;

namespace VideoStyler.Live;

/// <summary>
/// A live input as the user named it: a webcam (<c>/dev/videoN</c> or an index N), an ffmpeg URL, or a
/// file paced on its timestamps. <see cref="Width"/>/<see cref="Height"/>/<see cref="FramesPerSecond"/>
/// are what the capture delivers (the capture scales to that size when the source differs).
/// </summary>
internal sealed partial record LiveSource
{
    public required LiveSourceKind Kind { get; init; }

    /// <summary>Device path, URL or file path as ffmpeg gets it.</summary>
    public required string Target { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    public required double FramesPerSecond { get; init; }

    /// <summary>Force this output rate with ffmpeg's fps filter (--fps on a file or stream).</summary>
    public double? ForcedFps { get; init; }

    /// <summary>Restart a file at its end.</summary>
    public bool Loop { get; init; }

    public string FrameRateText => FramesPerSecond.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Classifies --input text without touching the file system (except for the file check).</summary>
    public static LiveSourceKind Classify(string input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            throw new UserFacingException("live: --input is empty");
        }

        if (int.TryParse(input, NumberStyles.None, CultureInfo.InvariantCulture, out _) || DevicePattern().IsMatch(input))
        {
            return LiveSourceKind.Webcam;
        }

        return UrlPattern().IsMatch(input) ? LiveSourceKind.Stream : LiveSourceKind.File;
    }

    /// <summary>"0" -> "/dev/video0"; a device path stays as it is.</summary>
    public static string DevicePath(string input) =>
        int.TryParse(input, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? $"/dev/video{index}" : input;

    /// <summary>Parses "640x480".</summary>
    public static (int Width, int Height) ParseSize(string text)
    {
        var match = SizePattern().Match(text);
        if (!match.Success)
        {
            throw new UserFacingException($"live: --video-size must look like 640x480, not '{text}'");
        }

        var width = int.Parse(match.Groups["width"].Value, CultureInfo.InvariantCulture);
        var height = int.Parse(match.Groups["height"].Value, CultureInfo.InvariantCulture);
        if (width is < 16 or > 8192 || height is < 16 or > 8192)
        {
            throw new UserFacingException($"live: --video-size {text} is out of range (16..8192 per side)");
        }

        return (width, height);
    }

    [GeneratedRegex(@"^/dev/video\d+$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex DevicePattern();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*://", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"^(?<width>\d+)[xX](?<height>\d+)$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SizePattern();
}
