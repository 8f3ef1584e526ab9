namespace VideoStyler.Sources;

/// <summary>What ffprobe says about an input file, reduced to what the pipeline needs.</summary>
internal sealed record VideoInfo
{
    public required string Path { get; init; }

    /// <summary>Width of the picture as displayed (after rotation metadata is applied).</summary>
    public required int Width { get; init; }

    /// <summary>Height of the picture as displayed (after rotation metadata is applied).</summary>
    public required int Height { get; init; }

    /// <summary>Frame rate as ffmpeg's rational text, e.g. "30/1" or "30000/1001".</summary>
    public required string FrameRate { get; init; }

    public required double FramesPerSecond { get; init; }

    /// <summary>Frame count from the container when it states one, otherwise an estimate from the duration.</summary>
    public required long? FrameCountEstimate { get; init; }

    public required double? DurationSeconds { get; init; }

    /// <summary>Rotation in degrees from the display matrix or the legacy 'rotate' tag (0 when none).</summary>
    public required int Rotation { get; init; }

    public required string VideoCodec { get; init; }

    public required string PixelFormat { get; init; }

    /// <summary>Codec names of the audio streams, in stream order.</summary>
    public required IReadOnlyList<string> AudioCodecs { get; init; }

    public required int SubtitleStreams { get; init; }

    public required string FormatName { get; init; }

    /// <summary>
    /// The file's start time in seconds (ffprobe's format start_time; 0 when it states none). ffmpeg
    /// counts decoded timestamps from it, so the encoder shifts the original audio and subtitles by it too.
    /// </summary>
    public double StartSeconds { get; init; }

    /// <summary>Titles of the audio streams (null where none), in stream order.</summary>
    public IReadOnlyList<string?> AudioTitles { get; init; } = [];

    /// <summary>Titles of the subtitle streams (null where none), in stream order.</summary>
    public IReadOnlyList<string?> SubtitleTitles { get; init; } = [];

    /// <summary>Codec names of the subtitle streams, in stream order.</summary>
    public IReadOnlyList<string> SubtitleCodecs { get; init; } = [];
}
