using VideoStyler.Media;
using VideoStyler.Models;
using VideoStyler.Stylize;

namespace VideoStyler.Live;

/// <summary>Everything the live command asks for.</summary>
internal sealed record LiveOptions
{
    public required LiveSource Source { get; init; }

    public required IReadOnlyList<LiveSink> Sinks { get; init; }

    public required StyleLibrary Library { get; init; }

    public string? Style { get; init; }

    /// <summary>--style-image: a style vector for the Magenta transformer, used instead of <see cref="Style"/> at start.</summary>
    public Stylize.Arbitrary.ArbitraryStyle? Arbitrary { get; init; }

    /// <summary>Short side the model runs at.</summary>
    public int ProcessingSize { get; init; } = 360;

    public ExecutionDevice Device { get; init; } = ExecutionDevice.Auto;

    /// <summary>ONNX Runtime intra-op threads (live default 1: the rest of the CPU keeps the output going).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Stop after this long (null: until interrupted or the source ends).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Control endpoint port (null: no control server).</summary>
    public int? ControlPort { get; init; }

    /// <summary>Address the control server binds to (default loopback).</summary>
    public string ControlHost { get; init; } = "127.0.0.1";

    /// <summary>Required for a non-loopback bind: Authorization: Bearer TOKEN or ?token=TOKEN.</summary>
    public string? Token { get; init; }

    /// <summary>
    /// Every frame through the network when the machine keeps up: the output waits (up to two frame
    /// intervals, at most 80 ms) for the model to stylize the frame itself, and propagates the last
    /// keyframe only when the model is late or still busy.
    /// </summary>
    public bool EveryFrame { get; init; }

    /// <summary>Picture styles run the transformer fine-tuned for video stability (false: --per-frame-network).</summary>
    public bool VideoNetwork { get; init; } = true;

    /// <summary>Width of the grayscale copies the optical flow is computed on.</summary>
    public int FlowWidth { get; init; } = 160;

    public double Strength { get; init; } = 1.0;

    /// <summary>A source that sends no frame for this long is taken as lost (a dropped stream may just hang).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Give up when a lost source has not come back within this time (null: keep trying until stopped).</summary>
    public TimeSpan? ReconnectTimeout { get; init; }

    /// <summary>With no new frame for this long the output switches from repeating the last frame to the placeholder card.</summary>
    public TimeSpan PlaceholderAfter { get; init; } = TimeSpan.FromSeconds(2);

    public ReconnectBackoff Backoff { get; init; } = ReconnectBackoff.Default;
}
