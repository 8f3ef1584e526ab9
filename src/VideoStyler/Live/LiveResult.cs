using System.Text.Json.Nodes;

namespace VideoStyler.Live;

/// <summary>How a live run went: the --stats JSON (whole-run figures) and the headline numbers.</summary>
public sealed record LiveResult(JsonObject Stats, string Style, double OutputFps, double LatencyP50, double LatencyP95, long FramesOut, bool Interrupted);
