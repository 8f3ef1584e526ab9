namespace VideoStyler.Cli.Reports;

/// <summary>One CUDA library the scan looked for in `devices --json`, and where it was found (null: not found).</summary>
internal sealed record LibraryReport(string File, string Role, bool Required, string? Path);
