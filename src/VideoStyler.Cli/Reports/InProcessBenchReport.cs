using System.Text.Json.Serialization;

namespace VideoStyler.Cli.Reports;

/// <summary>
/// `bench --no-io`: the in-process stages on frames generated in memory. Figures that are not finite or
/// not measured are null; <see cref="CpuDifference"/> is there only when the output was compared with the
/// CPU provider's (on a device, or with --compare-cpu).
/// </summary>
internal sealed record InProcessBenchReport
{
    public string Mode { get; init; } = "no-io";

    public required string Style { get; init; }

    public required string ExecutionProvider { get; init; }

    public string? Notice { get; init; }

    public required string FrameSize { get; init; }

    public string? TensorSize { get; init; }

    public bool Tiled { get; init; }

    public int Frames { get; init; }

    /// <summary>The ONNX tensor binding ("host", "pinned", "device"), null for a tiled or non-ONNX stylizer.</summary>
    public string? Binding { get; init; }

    public double? ModelFps { get; init; }

    public double? ModelFpsDeviceResident { get; init; }

    public string? DeviceResidentError { get; init; }

    public bool? PinnedStaging { get; init; }

    public required InProcessStageMs StageMs { get; init; }

    public double? InProcessFps { get; init; }

    public double? InProcessFpsTemporal { get; init; }

    public int Threads { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CpuDifference? CpuDifference { get; init; }
}
