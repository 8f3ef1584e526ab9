using VideoStyler.Frames;
namespace VideoStyler.Pipeline;

/// <summary>What a `stylize` run did, for the summary line and --stats.</summary>
public sealed record StylizeResult
{
    public required string OutputPath { get; init; }

    public required long FramesIn { get; init; }

    public required long FramesOut { get; init; }

    public required double WallSeconds { get; init; }

    public required string ExecutionProvider { get; init; }

    public required string Style { get; init; }

    public required bool Interrupted { get; init; }

    public required PipelineStats Stats { get; init; }

    public string? ProviderNotice { get; init; }

    /// <summary>Frames the input promised (container count or duration x rate) but did not decode.</summary>
    public long? FramesMissing { get; init; }

    /// <summary>One-line notices about the output (e.g. a subtitle stream the container cannot carry).</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];

    public double Fps => WallSeconds > 0 ? FramesOut / WallSeconds : 0;
}
