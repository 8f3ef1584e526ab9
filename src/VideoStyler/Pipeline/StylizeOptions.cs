using VideoStyler.Models;
using VideoStyler.Stylize;
using VideoStyler.Temporal;

namespace VideoStyler.Pipeline;

/// <summary>Everything one `stylize` run needs.</summary>
public sealed record StylizeOptions
{
    public required string InputPath { get; init; }

    public required string OutputPath { get; init; }

    /// <summary>--style: a name, a path to an .onnx file, or null for the embedded default.</summary>
    public string? Style { get; init; }

    /// <summary>Where style names are looked up.</summary>
    public required StyleLibrary Library { get; init; }

    /// <summary>Processing size: the short side in pixels.</summary>
    public int ProcessingSize { get; init; } = 480;

    public bool Force { get; init; }

    public ExecutionDevice Device { get; init; } = ExecutionDevice.Auto;

    /// <summary>ONNX Runtime intra-op threads; 0 = one per core.</summary>
    public int Threads { get; init; }

    /// <summary>Temporal consistency strength 0..1 (--temporal); 0 turns the stage off (--no-temporal).</summary>
    public double TemporalStrength { get; init; } = new TemporalOptions().Strength;

    /// <summary>--strength, --preserve-colors, --mask, --watermark.</summary>
    public StyleControls Controls { get; init; } = new();

    /// <summary>Stylize only the first this-many frames (0 = all).</summary>
    public long MaxFrames { get; init; }

    /// <summary>Frames queued between two stages (bounded: batch runs block, never drop).</summary>
    public int ChannelCapacity { get; init; } = 4;
}
