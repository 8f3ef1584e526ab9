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

    /// <summary>
    /// Default for <see cref="MaxTile"/>. What grows with the picture is the model's memory: the input
    /// and output tensors with their OpenCV views (~60 bytes per pixel) and ONNX Runtime's activations,
    /// which for Johnson-style nets (16-32 float channels at full resolution, 64-128 at 1/2 and 1/4,
    /// instance norms) come to several hundred bytes per pixel. Measured peak RSS with candy on a CPU:
    /// a whole 1920x1080 frame 1.6 GB, a whole 3840x2160 frame 5.8 GB (from the second frame on), and
    /// growing with the frame; in tiles of at most 1920 px a 3840x2160 frame peaks at 1.85 GB (3x2
    /// tiles of 1440x1200), and no frame needs more than one 1920x1920 tile's worth. Not less than 1920:
    /// up to 1080p processing a whole frame costs about what tiles would (1280 tiles: 1.2 GB at 1080p,
    /// 1.4 GB at 4K), while tiling an instance-norm style doubles its model time (a measuring pass).
    /// </summary>
    public const int DefaultMaxTile = 1920;

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

    /// <summary>Temporal consistency strength 0..1 (--temporal); 0 turns the stage off (--no-temporal).</summary>
    public double TemporalStrength { get; init; } = new TemporalOptions().Strength;

    /// <summary>--temporal-mode: where temporal consistency happens (when <see cref="TemporalStrength"/> is above 0).</summary>
    public TemporalMode TemporalMode { get; init; } = TemporalModes.Default;

    /// <summary>--strength, --preserve-colors, --mask, --watermark.</summary>
    public StyleControls Controls { get; init; } = new();

    /// <summary>Stylize only the first this-many frames (0 = all).</summary>
    public long MaxFrames { get; init; }

    /// <summary>Frames queued between two stages (bounded: batch runs block, never drop).</summary>
    public int ChannelCapacity { get; init; } = 4;
}
