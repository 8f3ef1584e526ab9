namespace VideoStyler.Cli.Reports;

/// <summary>Mean milliseconds per frame of the in-process stages in `bench --no-io` (null: not finite).</summary>
internal sealed record InProcessStageMs(double? Preprocess, double? Model, double? Postprocess, double? Temporal);
