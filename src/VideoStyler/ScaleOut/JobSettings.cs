using VideoStyler.Pipeline;
using VideoStyler.Models;
using VideoStyler.Stylize;

namespace VideoStyler.ScaleOut;

/// <summary>The stylize options a job was planned with; every worker runs its segment with exactly these.</summary>
internal sealed record JobSettings
{
    public string? Style { get; init; }

    public string? ModelsDir { get; init; }

    public int ProcessingSize { get; init; } = 480;

    public int MaxTile { get; init; } = StylizeOptions.DefaultMaxTile;

    public double TemporalStrength { get; init; }

    /// <summary>Picture styles run the video transformer while the temporal stage is on (false: --per-frame-network).</summary>
    public bool VideoNetwork { get; init; } = true;

    public double Strength { get; init; } = 1.0;

    public bool PreserveColors { get; init; }

    public string? MaskPath { get; init; }

    public string? Watermark { get; init; }

    public ExecutionDevice Device { get; init; } = ExecutionDevice.Auto;

    public int Threads { get; init; }

    /// <summary>--frames: only the first this-many frames (0 = all).</summary>
    public long MaxFrames { get; init; }

    public StyleLibrary Library() => StyleLibrary.CreateDefault(ModelsDir);

    /// <summary>The options of a `stylize` run with these settings (what the single-machine run does).</summary>
    public StylizeOptions ToOptions(string inputPath, string outputPath) => new()
    {
        InputPath = inputPath,
        OutputPath = outputPath,
        Style = Style,
        Library = Library(),
        ProcessingSize = ProcessingSize,
        MaxTile = MaxTile,
        Device = Device,
        Threads = Threads,
        MaxFrames = MaxFrames,
        TemporalStrength = TemporalStrength,
        VideoNetwork = VideoNetwork,
        Controls = new StyleControls
        {
            Strength = Strength,
            PreserveColors = PreserveColors,
            MaskPath = MaskPath,
            Watermark = Watermark,
        },
    };
}
