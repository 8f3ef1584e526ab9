namespace VideoStyler.Cli.Reports;

/// <summary>`bench --styles A,B --json`: one <see cref="BenchRow"/> per style, in the order measured.</summary>
internal sealed record BenchRows(IReadOnlyList<BenchRow> Rows);
