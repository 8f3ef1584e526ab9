using VideoStyler.Frames;
using VideoStyler.Pipeline;
using System.Text.Json;
using System.Text.Json.Nodes;
using VideoStyler.Files;

namespace VideoStyler.Cli.Commands;

/// <summary>Writes the --stats JSON of a stylize run.</summary>
internal static class StatsFile
{
    /// <summary>Mean milliseconds per frame of each stage, as the "stage_ms" object.</summary>
    public static JsonObject StageObject(PipelineStats stats)
    {
        var stages = new JsonObject();
        foreach (var (stage, ms) in stats.StageMeansMs())
        {
            stages[stage] = Math.Round(ms, 3);
        }

        return stages;
    }

    public static JsonObject Build(StylizeResult result)
    {
        return new JsonObject
        {
            ["frames_in"] = result.FramesIn,
            ["frames_out"] = result.FramesOut,
            ["wall_s"] = Math.Round(result.WallSeconds, 3),
            ["fps"] = Math.Round(result.Fps, 3),
            ["model_ms_mean"] = Math.Round(result.Stats.Model.MeanMilliseconds, 3),
            ["decode_ms_mean"] = Math.Round(result.Stats.Decode.MeanMilliseconds, 3),
            ["preprocess_ms_mean"] = Math.Round(result.Stats.Preprocess.MeanMilliseconds, 3),
            ["postprocess_ms_mean"] = Math.Round(result.Stats.Postprocess.MeanMilliseconds, 3),
            ["temporal_ms_mean"] = Math.Round(result.Stats.Temporal.MeanMilliseconds, 3),
            ["encode_ms_mean"] = Math.Round(result.Stats.Encode.MeanMilliseconds, 3),
            ["stage_ms"] = StageObject(result.Stats),
            ["execution_provider"] = result.ExecutionProvider,
            ["style"] = result.Style,
            ["interrupted"] = result.Interrupted,
            ["output"] = result.OutputPath,
        };
    }

    /// <summary>Writes the JSON to a --stats file checked before the run (see <see cref="SideFile"/>).</summary>
    public static void Write(SideFile target, StylizeResult result) =>
        target.Write(Build(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
