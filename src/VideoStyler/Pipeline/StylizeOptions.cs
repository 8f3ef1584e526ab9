using VideoStyler.Models;
using VideoStyler.Stylize;
using VideoStyler.Temporal;

namespace VideoStyler.Pipeline;

/// <summary>Everything one `stylize` run needs.</summary>
public sealed record StylizeOptions
{
    /// <summary>The video or image to stylize.</summary>
    public required string InputPath { get; init; }

    /// <summary>-o: the file to write; its extension picks the container.</summary>
    public required string OutputPath { get; init; }

    /// <summary>--style: a name, a path to an .onnx file, or null for the embedded default.</summary>
    public string? Style { get; init; }

    /// <summary>
    /// A style vector run with the Magenta transformer (--style-image); when set it replaces
    /// <see cref="Style"/>, and its own Strength replaces the output blend of Controls.Strength.
    /// </summary>
    internal Stylize.Arbitrary.ArbitraryStyle? Arbitrary { get; init; }

    /// <summary>Where style names are looked up.</summary>
    public required StyleLibrary Library { get; init; }

    /// <summary>Processing size: the short side in pixels.</summary>
    public int ProcessingSize { get; init; } = 480;

    /// <summary>--size was given: a still image is processed at its own size unless it was (see Stills.StillStylizer).</summary>
    public bool ProcessingSizeGiven { get; init; }

    /// <summary>The default of --max-tile (see <see cref="TiledStylizer.DefaultMaxTile"/>).</summary>
    public const int DefaultMaxTile = TiledStylizer.DefaultMaxTile;

    /// <summary>
    /// --max-tile: frames whose processing size has a longer side are stylized in overlapping tiles of
    /// at most this many pixels a side (processing space), blended with feathered seams.
    /// </summary>
    public int MaxTile { get; init; } = DefaultMaxTile;

    /// <summary>--force: replace an existing output file.</summary>
    public bool Force { get; init; }

    /// <summary>--preview FILE.png: a before/after image of the middle frame (of the picture, for a still), or null.</summary>
    public string? PreviewPath { get; init; }
    /// <summary>
    /// Folder mode: a run cut short by Ctrl-C keeps its frames as NAME.partial.EXT instead of OUTPUT, so
    /// the next run does not take the clip as done.
    /// </summary>
    public bool InterruptedIsPartial { get; init; }

    /// <summary>--device: the ONNX Runtime execution provider.</summary>
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Auto;

    /// <summary>ONNX Runtime intra-op threads; 0 = one per core.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// --frames-in-flight: frames stylized at once, each by its own copy of the model (see <see cref="StylizeWorkers"/>);
    /// 0 = auto (2 on 2 cores or more when the style and temporal mode allow it and frames are not tiled, else 1).
    /// </summary>
    public int FramesInFlight { get; init; }

    /// <summary>Temporal consistency strength 0..1 (--temporal); 0 turns the stage off (--no-temporal).</summary>
    public double TemporalStrength { get; init; } = new TemporalOptions().Strength;

    /// <summary>--temporal-mode: where temporal consistency happens (when <see cref="TemporalStrength"/> is above 0).</summary>
    public TemporalMode TemporalMode { get; init; } = TemporalModes.Default;

    /// <summary>
    /// Picture styles run the transformer fine-tuned for video stability while the temporal stage is on
    /// (false: --per-frame-network, the same transformer as for stills).
    /// </summary>
    public bool VideoNetwork { get; init; } = true;

    /// <summary>Whether picture styles run the video transformer in this run: asked for, and the temporal stage on.</summary>
    public bool RunsVideoNetwork => VideoNetwork && TemporalStrength > 0;

    /// <summary>--strength, --preserve-colors, --mask, --watermark.</summary>
    public StyleControls Controls { get; init; } = new();

    /// <summary>Stylize only the first this-many frames (0 = all).</summary>
    public long MaxFrames { get; init; }

    /// <summary>Frames queued between two stages (bounded: batch runs block, never drop).</summary>
    public int ChannelCapacity { get; init; } = 4;
}
