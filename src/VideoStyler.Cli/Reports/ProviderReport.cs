namespace VideoStyler.Cli.Reports;

/// <summary>One execution provider in `devices --json`: usable here or why not.</summary>
internal sealed record ProviderReport(string Name, string Device, bool Usable, string Detail);
