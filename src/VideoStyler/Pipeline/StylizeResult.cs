using VideoStyler.Frames;
namespace VideoStyler.Pipeline;

/// <summary>What a `stylize` run did, for the summary line and --stats.</summary>
public sealed record StylizeResult
{
    /// <summary>The file written (NAME.partial.EXT for an interrupted folder-mode run).</summary>
    public required string OutputPath { get; init; }

    /// <summary>Frames decoded.</summary>
    public required long FramesIn { get; init; }

    /// <summary>Frames written.</summary>
    public required long FramesOut { get; init; }

    /// <summary>Wall-clock seconds of the whole run.</summary>
    public required double WallSeconds { get; init; }

    /// <summary>The ONNX Runtime execution provider that ran the model.</summary>
    public required string ExecutionProvider { get; init; }

    /// <summary>The style used, as shown to the user.</summary>
    public required string Style { get; init; }

    /// <summary>The network that ran (a mix: its first), e.g. magenta.style_transfer_video for a picture style in a video.</summary>
    public string Network { get; init; } = "";

    /// <summary>The run was stopped early (Ctrl-C); the output holds the frames done so far.</summary>
    public required bool Interrupted { get; init; }

    /// <summary>Per-stage timings and frame counts.</summary>
    public required PipelineStats Stats { get; init; }

    /// <summary>A one-line notice about the provider (e.g. CUDA asked for but CPU used), or null.</summary>
    public string? ProviderNotice { get; init; }

    /// <summary>Frames the input promised (container count or duration x rate) but did not decode.</summary>
    public long? FramesMissing { get; init; }

    /// <summary>One-line notices about the output (e.g. a subtitle stream the container cannot carry).</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];

    /// <summary>Frames stylized at once, each by its own copy of the model (--frames-in-flight).</summary>
    public int FramesInFlight { get; init; } = 1;

    /// <summary>ONNX Runtime intra-op threads of each copy's session (0: one per core).</summary>
    public int ThreadsEach { get; init; }

    /// <summary>Frames written per wall-clock second.</summary>
    public double Fps => WallSeconds > 0 ? FramesOut / WallSeconds : 0;
}
