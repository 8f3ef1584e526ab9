namespace VideoStyler.Frames;

/// <summary>Per-stage clocks and frame counters of one pipeline run.</summary>
public sealed class PipelineStats
{
    private long _framesIn;
    private long _framesOut;
    private long _firstOutAt;
    private long _lastOutAt;

    internal StageClock Decode { get; } = new();

    internal StageClock Preprocess { get; } = new();

    internal StageClock Model { get; } = new();

    internal StageClock Postprocess { get; } = new();

    internal StageClock Temporal { get; } = new();

    internal StageClock Encode { get; } = new();

    /// <summary>Frames decoded so far.</summary>
    public long FramesIn => Interlocked.Read(ref _framesIn);

    /// <summary>Frames written so far.</summary>
    public long FramesOut => Interlocked.Read(ref _framesOut);

    internal void CountIn() => Interlocked.Increment(ref _framesIn);

    internal void CountOut()
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _firstOutAt, now, 0);
        Interlocked.Exchange(ref _lastOutAt, now);
        Interlocked.Increment(ref _framesOut);
    }

    /// <summary>
    /// Output rate between the first and the last frame written: the pipeline's steady throughput,
    /// without model loading and ffmpeg start-up (0 with fewer than two frames).
    /// </summary>
    public double SteadyFps
    {
        get
        {
            var frames = FramesOut;
            var seconds = (Interlocked.Read(ref _lastOutAt) - Interlocked.Read(ref _firstOutAt)) / (double)System.Diagnostics.Stopwatch.Frequency;
            return frames < 2 || seconds <= 0 ? 0 : (frames - 1) / seconds;
        }
    }

    /// <summary>
    /// Managed bytes the frame path allocates per frame in steady state: the sum over the stages of
    /// what each allocated on its own thread while working on a frame (decode read, pre-processing,
    /// model, post-processing, temporal, encode write), after each stage's warm-up. Null when no stage
    /// has measured a frame past its warm-up.
    /// </summary>
    public double? FramePathAllocatedBytesPerFrame
    {
        get
        {
            var stages = StageAllocatedBytesPerFrame();
            return stages.Count == 0 ? null : stages.Values.Sum();
        }
    }

    /// <summary>Per stage, managed bytes allocated per frame after the warm-up (stages that measured none are left out).</summary>
    public IReadOnlyDictionary<string, double> StageAllocatedBytesPerFrame()
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, clock) in Stages)
        {
            if (clock.SteadyAllocatedBytesPerFrame is { } bytes)
            {
                result[name] = bytes;
            }
        }

        return result;
    }

    /// <summary>Mean milliseconds per frame of each stage, by the stage names used in --stats and bench.</summary>
    /// <returns>Stage name to mean milliseconds.</returns>
    public IReadOnlyDictionary<string, double> StageMeansMs() => Stages.ToDictionary(s => s.Name, s => s.Clock.MeanMilliseconds, StringComparer.Ordinal);

    /// <summary>The stages in the order a frame meets them, with the names used in --stats and bench.</summary>
    private (string Name, StageClock Clock)[] Stages =>
        [("decode", Decode), ("preprocess", Preprocess), ("model", Model), ("postprocess", Postprocess), ("temporal", Temporal), ("encode", Encode)];
}
