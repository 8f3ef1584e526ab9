namespace VideoStyler.Pipeline;

/// <summary>Per-stage clocks and frame counters of one pipeline run.</summary>
public sealed class PipelineStats
{
    private long _framesIn;
    private long _framesOut;
    private long _firstOutAt;
    private long _lastOutAt;

    public StageClock Decode { get; } = new();

    public StageClock Preprocess { get; } = new();

    public StageClock Model { get; } = new();

    public StageClock Postprocess { get; } = new();

    public StageClock Temporal { get; } = new();

    public StageClock Encode { get; } = new();

    public long FramesIn => Interlocked.Read(ref _framesIn);

    public long FramesOut => Interlocked.Read(ref _framesOut);

    public void CountIn() => Interlocked.Increment(ref _framesIn);

    public void CountOut()
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

    public IReadOnlyDictionary<string, double> StageMeansMs() => new Dictionary<string, double>
    {
        ["decode"] = Decode.MeanMilliseconds,
        ["preprocess"] = Preprocess.MeanMilliseconds,
        ["model"] = Model.MeanMilliseconds,
        ["postprocess"] = Postprocess.MeanMilliseconds,
        ["temporal"] = Temporal.MeanMilliseconds,
        ["encode"] = Encode.MeanMilliseconds,
    };
}
