namespace VideoStyler.Pipeline;

/// <summary>Per-stage clocks and frame counters of one pipeline run.</summary>
public sealed class PipelineStats
{
    private long _framesIn;
    private long _framesOut;

    public StageClock Decode { get; } = new();

    public StageClock Preprocess { get; } = new();

    public StageClock Model { get; } = new();

    public StageClock Postprocess { get; } = new();

    public StageClock Temporal { get; } = new();

    public StageClock Encode { get; } = new();

    public long FramesIn => Interlocked.Read(ref _framesIn);

    public long FramesOut => Interlocked.Read(ref _framesOut);

    public void CountIn() => Interlocked.Increment(ref _framesIn);

    public void CountOut() => Interlocked.Increment(ref _framesOut);

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
