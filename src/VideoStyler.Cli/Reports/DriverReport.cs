namespace VideoStyler.Cli.Reports;

/// <summary>The NVIDIA driver in `devices --json`, when one was found.</summary>
internal sealed record DriverReport(string? CudaVersion, int Devices, string? Name, string? Error);
