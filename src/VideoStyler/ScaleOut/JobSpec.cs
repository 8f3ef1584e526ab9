namespace VideoStyler.ScaleOut;

/// <summary>
/// A job folder's job.json: what to stylize, how, in which segments, and the identities every worker
/// checks before it starts (the input, the tool version, the style).
/// </summary>
internal sealed record JobSpec
{
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    /// <summary>Absolute path of the input, as every worker sees it (shared storage).</summary>
    public required string InputPath { get; init; }

    public required InputIdentity Input { get; init; }

    /// <summary>Absolute path of the joined output.</summary>
    public required string OutputPath { get; init; }

    /// <summary>--force was given to plan: join may replace an existing output.</summary>
    public bool Force { get; init; }

    public required string ToolVersion { get; init; }

    public required string StyleIdentity { get; init; }

    public required JobSettings Settings { get; init; }

    /// <summary>Warm-up frames each segment decodes and stylizes before its first frame.</summary>
    public required int WarmupFrames { get; init; }

    /// <summary>Frames of the whole job (after --frames).</summary>
    public required long TotalFrames { get; init; }

    /// <summary>The video codec's container-independent extension for segment files.</summary>
    public string SegmentExtension { get; init; } = ".mkv";

    public required IReadOnlyList<SegmentSpec> Segments { get; init; }
}
