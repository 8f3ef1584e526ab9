using System.Globalization;
using System.Text.Json;

namespace VideoStyler.Sources;

/// <summary>Runs ffprobe on a file and turns its JSON into a <see cref="VideoInfo"/>, or a one-line error.</summary>
internal static class VideoProbe
{
    public static async Task<VideoInfo> ProbeAsync(string path, CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(path))
        {
            throw new UserFacingException($"input is a folder, not a video file: {path}");
        }

        if (!File.Exists(path))
        {
            throw new UserFacingException($"input not found: {path}");
        }

        if (new FileInfo(path).Length == 0)
        {
            throw new UserFacingException($"input is an empty file: {path}");
        }

        var (exitCode, stdout, stderr) = await ProcessRunner.RunAsync(
            "ffprobe",
            // "-i": a file name that starts with a dash is a file, not an option.
            ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-i", path],
            cancellationToken);
        if (exitCode != 0)
        {
            var reason = LastLine(stderr) ?? $"ffprobe exited with code {exitCode}";
            throw new UserFacingException($"not a video file ffmpeg can read: {path} ({Trim(reason, path)})") { Details = stderr };
        }

        return Parse(path, stdout);
    }

    /// <summary>The smallest frame side the models and the temporal stage work on.</summary>
    public const int MinFrameSide = 16;

    /// <summary>The largest frame: 8192x8192 pixels (67 megapixels; 8K UHD is 33). Each pooled frame holds twice its BGR size.</summary>
    public const long MaxFramePixels = 8192L * 8192;

    /// <summary>
    /// Frames too small for the models, or so large (often a damaged or crafted header) that the frame
    /// pool alone would take gigabytes: a clear error before anything is allocated.
    /// </summary>
    internal static void CheckFrameSize(string path, int width, int height)
    {
        if (width < MinFrameSide || height < MinFrameSide)
        {
            throw new UserFacingException(
                $"{path}: frames of {width}x{height} are too small; VideoStyler needs frames of at least {MinFrameSide}x{MinFrameSide} pixels");
        }

        if ((long)width * height > MaxFramePixels || width > 65535 || height > 65535)
        {
            throw new UserFacingException(
                $"{path}: frames of {width}x{height} are too large; VideoStyler takes frames of at most {MaxFramePixels / 1_000_000} megapixels (8192x8192)");
        }
    }

    internal static VideoInfo Parse(string path, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!root.TryGetProperty("streams", out var streams))
        {
            throw new UserFacingException($"not a video file ffmpeg can read: {path}");
        }

        JsonElement? video = null;
        var audio = new List<string>();
        var subtitles = new List<string>();
        var audioTitles = new List<string?>();
        var subtitleTitles = new List<string?>();
        foreach (var stream in streams.EnumerateArray())
        {
            var type = stream.TryGetProperty("codec_type", out var t) ? t.GetString() : null;
            var disposition = stream.TryGetProperty("disposition", out var d) ? d : default;
            var attachedPicture = disposition.ValueKind == JsonValueKind.Object
                && disposition.TryGetProperty("attached_pic", out var ap) && ap.GetInt32() == 1;
            switch (type)
            {
                case "video" when video is null && !attachedPicture:
                    video = stream;
                    break;
                case "audio":
                    audio.Add(stream.TryGetProperty("codec_name", out var ac) ? ac.GetString() ?? "unknown" : "unknown");
                    audioTitles.Add(Title(stream));
                    break;
                case "subtitle":
                    subtitles.Add(stream.TryGetProperty("codec_name", out var sc) ? sc.GetString() ?? "unknown" : "unknown");
                    subtitleTitles.Add(Title(stream));
                    break;
            }
        }

        var format = root.TryGetProperty("format", out var f) ? f : default;
        var formatName = format.ValueKind == JsonValueKind.Object && format.TryGetProperty("format_name", out var fn)
            ? fn.GetString() ?? "" : "";
        if (video is not { } v)
        {
            throw new UserFacingException($"{path} has no video stream");
        }

        var width = v.TryGetProperty("width", out var w) ? w.GetInt32() : 0;
        var height = v.TryGetProperty("height", out var h) ? h.GetInt32() : 0;
        if (width <= 0 || height <= 0)
        {
            throw new UserFacingException($"{path}: the video stream has no picture size");
        }

        CheckFrameSize(path, width, height);
        var rotation = ReadRotation(v);
        if (Math.Abs(rotation) % 180 == 90)
        {
            (width, height) = (height, width);
        }

        var rate = PickFrameRate(v);
        var fps = RationalToDouble(rate);
        double? duration = null;
        if (v.TryGetProperty("duration", out var vd) && double.TryParse(vd.GetString(), CultureInfo.InvariantCulture, out var vds))
        {
            duration = vds;
        }
        else if (format.ValueKind == JsonValueKind.Object && format.TryGetProperty("duration", out var fd)
                 && double.TryParse(fd.GetString(), CultureInfo.InvariantCulture, out var fds))
        {
            duration = fds;
        }

        long? frames = null;
        if (v.TryGetProperty("nb_frames", out var nf) && long.TryParse(nf.GetString(), CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            frames = n;
        }
        else if (duration is { } seconds && fps > 0)
        {
            frames = (long)Math.Round(seconds * fps);
        }

        return new VideoInfo
        {
            Path = path,
            Width = width,
            Height = height,
            FrameRate = rate,
            FramesPerSecond = fps,
            FrameCountEstimate = frames,
            DurationSeconds = duration,
            Rotation = rotation,
            VideoCodec = v.TryGetProperty("codec_name", out var vc) ? vc.GetString() ?? "" : "",
            PixelFormat = v.TryGetProperty("pix_fmt", out var pf) ? pf.GetString() ?? "" : "",
            AudioCodecs = audio,
            SubtitleStreams = subtitles.Count,
            SubtitleCodecs = subtitles,
            AudioTitles = audioTitles,
            SubtitleTitles = subtitleTitles,
            StartSeconds = format.ValueKind == JsonValueKind.Object && format.TryGetProperty("start_time", out var st)
                && double.TryParse(st.GetString(), CultureInfo.InvariantCulture, out var start) ? start : 0,
            FormatName = formatName,
        };
    }

    internal static double RationalToDouble(string rational)
    {
        var parts = rational.Split('/');
        if (parts.Length == 2
            && double.TryParse(parts[0], CultureInfo.InvariantCulture, out var num)
            && double.TryParse(parts[1], CultureInfo.InvariantCulture, out var den) && den != 0)
        {
            return num / den;
        }

        return double.TryParse(rational, CultureInfo.InvariantCulture, out var plain) ? plain : 0;
    }

    private static string PickFrameRate(JsonElement stream)
    {
        // avg_frame_rate is the real mean rate; r_frame_rate can be a field rate or a timebase guess.
        // Prefer avg when it is sane, fall back to r, then to 25.
        foreach (var key in new[] { "avg_frame_rate", "r_frame_rate" })
        {
            if (stream.TryGetProperty(key, out var value) && value.GetString() is { } text)
            {
                var fps = RationalToDouble(text);
                if (fps is > 0 and < 1000)
                {
                    return text;
                }
            }
        }

        return "25/1";
    }

    /// <summary>A stream's title tag (MP4 keeps track names as the handler name).</summary>
    private static string? Title(JsonElement stream)
    {
        if (!stream.TryGetProperty("tags", out var tags) || tags.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var tag in tags.EnumerateObject())
        {
            if (tag.Name.Equals("title", StringComparison.OrdinalIgnoreCase))
            {
                return tag.Value.GetString();
            }
        }

        foreach (var tag in tags.EnumerateObject())
        {
            // MP4 inputs name tracks by handler; the generic ones ("SoundHandler") are not titles.
            if (tag.Name.Equals("handler_name", StringComparison.OrdinalIgnoreCase) && tag.Value.GetString() is { } name
                && !name.EndsWith("Handler", StringComparison.Ordinal) && name.Length > 0)
            {
                return name;
            }
        }

        return null;
    }

    private static int ReadRotation(JsonElement stream)
    {
        if (stream.TryGetProperty("side_data_list", out var sideData))
        {
            foreach (var item in sideData.EnumerateArray())
            {
                if (item.TryGetProperty("rotation", out var r) && r.TryGetDouble(out var degrees))
                {
                    return (int)Math.Round(degrees);
                }
            }
        }

        if (stream.TryGetProperty("tags", out var tags) && tags.TryGetProperty("rotate", out var rotate)
            && int.TryParse(rotate.GetString(), CultureInfo.InvariantCulture, out var tagDegrees))
        {
            return tagDegrees;
        }

        return 0;
    }

    private static string? LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();

    private static string Trim(string reason, string path)
    {
        // ffprobe prefixes the message with the path; the caller already names it.
        var prefix = path + ": ";
        return reason.StartsWith(prefix, StringComparison.Ordinal) ? reason[prefix.Length..] : reason;
    }
}
