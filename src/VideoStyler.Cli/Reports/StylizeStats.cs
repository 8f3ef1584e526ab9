using VideoStyler.Frames;
using VideoStyler.Pipeline;

namespace VideoStyler.Cli.Reports;

/// <summary>The --stats file of a stylize run: frame counts, speed and the mean milliseconds of each stage.</summary>
internal sealed record StylizeStats
{
    public long FramesIn { get; init; }

    public long FramesOut { get; init; }

    public double WallS { get; init; }

    public double Fps { get; init; }

    public double ModelMsMean { get; init; }

    public double DecodeMsMean { get; init; }

    public double PreprocessMsMean { get; init; }

    public double PostprocessMsMean { get; init; }

    public double TemporalMsMean { get; init; }

    public double EncodeMsMean { get; init; }

    /// <summary>Mean milliseconds per frame of each stage, by stage name.</summary>
    public Dictionary<string, double> StageMs { get; init; } = [];

    public required string ExecutionProvider { get; init; }

    /// <summary>Frames stylized at once, each by its own copy of the model (--frames-in-flight).</summary>
    public int FramesInFlight { get; init; } = 1;

    /// <summary>ONNX Runtime intra-op threads of each copy (0: one per core).</summary>
    public int ThreadsEach { get; init; }

    public required string Style { get; init; }

    /// <summary>The network that ran (for picture styles: magenta.style_transfer_video in video with the temporal stage on).</summary>
    public string Network { get; init; } = "";

    public bool Interrupted { get; init; }

    public required string Output { get; init; }

    /// <summary>Mean milliseconds per frame of each stage (rounded to 3 decimals), in the stats' order.</summary>
    public static Dictionary<string, double> StageMeans(PipelineStats stats)
    {
        var stages = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (stage, ms) in stats.StageMeansMs())
        {
            stages[stage] = Math.Round(ms, 3);
        }

        return stages;
    }

    public static StylizeStats From(StylizeResult result) => new()
    {
        FramesIn = result.FramesIn,
        FramesOut = result.FramesOut,
        WallS = Math.Round(result.WallSeconds, 3),
        Fps = Math.Round(result.Fps, 3),
        ModelMsMean = Math.Round(result.Stats.Model.MeanMilliseconds, 3),
        DecodeMsMean = Math.Round(result.Stats.Decode.MeanMilliseconds, 3),
        PreprocessMsMean = Math.Round(result.Stats.Preprocess.MeanMilliseconds, 3),
        PostprocessMsMean = Math.Round(result.Stats.Postprocess.MeanMilliseconds, 3),
        TemporalMsMean = Math.Round(result.Stats.Temporal.MeanMilliseconds, 3),
        EncodeMsMean = Math.Round(result.Stats.Encode.MeanMilliseconds, 3),
        StageMs = StageMeans(result.Stats),
        ExecutionProvider = result.ExecutionProvider,
        FramesInFlight = result.FramesInFlight,
        ThreadsEach = result.ThreadsEach,
        Style = result.Style,
        Network = result.Network,
        Interrupted = result.Interrupted,
        Output = result.OutputPath,
    };
}
