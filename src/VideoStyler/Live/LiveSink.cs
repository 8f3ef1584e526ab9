namespace VideoStyler.Live;

/// <summary>One --output of the live command.</summary>
internal sealed record LiveSink(LiveSinkKind Kind, string Target)
{
    /// <summary>True for the sinks that take the shared h264 encode.</summary>
    public bool IsEncoded => Kind is LiveSinkKind.Rtmp or LiveSinkKind.Srt or LiveSinkKind.Udp or LiveSinkKind.File;

    public static LiveSink Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UserFacingException("live: an --output is empty");
        }

        if (text.Equals("preview", StringComparison.OrdinalIgnoreCase))
        {
            return new LiveSink(LiveSinkKind.Preview, "preview");
        }

        if (text.StartsWith("v4l2:", StringComparison.OrdinalIgnoreCase))
        {
            var device = text["v4l2:".Length..];
            if (!device.StartsWith("/dev/", StringComparison.Ordinal))
            {
                throw new UserFacingException($"live: a virtual camera output looks like v4l2:/dev/video9, not '{text}'");
            }

            return new LiveSink(LiveSinkKind.VirtualCamera, device);
        }

        var scheme = text.Contains("://", StringComparison.Ordinal) ? text[..text.IndexOf("://", StringComparison.Ordinal)].ToLowerInvariant() : null;
        return scheme switch
        {
            null => ParseFile(text),
            "rtmp" or "rtmps" => new LiveSink(LiveSinkKind.Rtmp, text),
            "srt" => new LiveSink(LiveSinkKind.Srt, text),
            "udp" => new LiveSink(LiveSinkKind.Udp, text),
            "file" => ParseFile(text["file://".Length..]),
            _ => throw new UserFacingException(
                $"live: unsupported output '{text}' (use v4l2:/dev/videoN, rtmp://, srt://, udp://, a .mkv/.mp4/.ts file, or preview)"),
        };
    }

    private static LiveSink ParseFile(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".mkv" or ".mp4" or ".mov" or ".ts" or ".flv"))
        {
            throw new UserFacingException($"live: a recording must be .mkv, .mp4, .mov, .ts or .flv, not '{path}'");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new UserFacingException($"live: the folder for the recording {path} does not exist");
        }

        return new LiveSink(LiveSinkKind.File, path);
    }
}
