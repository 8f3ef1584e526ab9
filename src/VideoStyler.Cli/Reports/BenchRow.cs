namespace VideoStyler.Cli.Reports;

/// <summary>
/// One style's `bench` report: the bare model's speed, the whole pipeline's (plain and with the temporal
/// stage), per-stage milliseconds, CPU time per frame by consumer, allocations and GCs. Figures that could
/// not be measured (too few frames, a process already gone) are null.
/// </summary>
internal sealed record BenchRow
{
    public required string Style { get; init; }

    /// <summary>The arbitrary-style transformer measured (picture styles only).</summary>
    public string? Transformer { get; init; }

    public double? MeanAbsDiffVsShipped { get; init; }

    public required string Input { get; init; }

    public required string FrameSize { get; init; }

    public required string TensorSize { get; init; }

    public int Frames { get; init; }

    /// <summary>The bare model's fps: the mean of its measurements before and after the pipeline runs.</summary>
    public double ModelFps { get; init; }

    /// <summary>The bare model's fps measured before the pipeline runs.</summary>
    public double ModelFpsBefore { get; init; }

    /// <summary>The bare model's fps measured again after them (a machine that sped up or slowed down meanwhile shows here).</summary>
    public double ModelFpsAfter { get; init; }

    /// <summary>The bare model's CPU ms per frame, all threads (mean of the two measurements).</summary>
    public double ModelCpuMsPerFrame { get; init; }

    public double PipelineFps { get; init; }

    public double PipelineFpsWall { get; init; }

    public double Efficiency { get; init; }

    public double PipelineFpsTemporal { get; init; }

    public double EfficiencyTemporal { get; init; }

    /// <summary>Frames the plain pipeline run stylized at once (--frames-in-flight; see Pipeline.StylizeWorkers).</summary>
    public int FramesInFlight { get; init; } = 1;

    /// <summary>Frames the run with the temporal stage stylized at once.</summary>
    public int FramesInFlightTemporal { get; init; } = 1;

    /// <summary>
    /// The bare model arranged as the pipeline runs it with several frames in flight (that many sessions at once,
    /// the cores shared out), mean of before and after; null with one frame in flight.
    /// </summary>
    public double? ModelFpsInFlight { get; init; }

    /// <summary>Pipeline fps over <see cref="ModelFpsInFlight"/> (null where the run had another number of frames in flight).</summary>
    public double? EfficiencyInFlight { get; init; }

    public double? EfficiencyInFlightTemporal { get; init; }

    public required IReadOnlyDictionary<string, double> StageMsTemporal { get; init; }

    public required IReadOnlyDictionary<string, double> StageMs { get; init; }

    /// <summary>CPU ms per frame by consumer (see <see cref="Commands.CpuBreakdown"/>); empty without a steady window.</summary>
    public required IReadOnlyDictionary<string, double?> CpuMsPerFrame { get; init; }

    public required IReadOnlyDictionary<string, double?> CpuMsPerFrameTemporal { get; init; }

    public double? CpuEfficiency { get; init; }

    public double? CpuEfficiencyTemporal { get; init; }

    public bool OrtSpinning { get; init; }

    public required string LoadAverage { get; init; }

    public double PeakRssMb { get; init; }

    public required string ExecutionProvider { get; init; }

    public int Threads { get; init; }

    public double? AllocatedBytesPerFrame { get; init; }

    public double? AllocatedBytesPerFrameTemporal { get; init; }

    public required IReadOnlyDictionary<string, double> StageAllocatedBytesPerFrame { get; init; }

    public required IReadOnlyDictionary<string, double> StageAllocatedBytesPerFrameTemporal { get; init; }

    public double? ProcessAllocatedBytesPerFrame { get; init; }

    public double? ProcessAllocatedBytesPerFrameTemporal { get; init; }

    public long SteadyFramesCounted { get; init; }

    public int GcGen0 { get; init; }

    public int GcGen1 { get; init; }

    public int GcGen2 { get; init; }

    /// <summary>"gen0/gen1/gen2" of the run with the temporal stage.</summary>
    public required string GcTemporal { get; init; }
}
