using System.Text.Json.Nodes;

namespace VideoStyler.Live;

/// <summary>
/// How a live run went: the --stats JSON (whole-run figures) and the headline numbers.
/// <paramref name="Failure"/> is set when the run ended because the source stayed lost past --reconnect-timeout
/// (the sinks were still finished properly).
/// </summary>
internal sealed record LiveResult(JsonObject Stats, string Style, double OutputFps, double LatencyP50, double LatencyP95, long FramesOut, bool Interrupted, string? Failure = null);
