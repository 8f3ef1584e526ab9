using System.Text.Json.Nodes;

namespace VideoStyler.Live;

/// <summary>
/// What the control server maps HTTP requests onto: the controls the output loop reads, the preview
/// broadcaster, the style switcher and uploads, and the run's status figures. The server holds no state
/// of its own.
/// </summary>
internal sealed class ControlSurface
{
    /// <summary>Strength, propagation and pause.</summary>
    public required LiveControls Controls { get; init; }

    /// <summary>The output frames as JPEG for /preview.mjpg and /snapshot.jpg.</summary>
    public required MjpegBroadcaster Preview { get; init; }

    /// <summary>The running style and switching to another.</summary>
    public required StyleSwitcher Styles { get; init; }

    /// <summary>Pictures sent from the page becoming styles.</summary>
    public required StyleUpload Uploads { get; init; }

    /// <summary>The figures for GET /status (the recent window).</summary>
    public required Func<JsonObject> Status { get; init; }
}
