namespace VideoStyler.Cli.Reports;

/// <summary>`devices --json`: the ONNX Runtime build, each execution provider and what the CUDA scan found.</summary>
internal sealed record DevicesReport
{
    public required string Onnxruntime { get; init; }

    public required string Flavor { get; init; }

    public required string Package { get; init; }

    public string? Natives { get; init; }

    public required IReadOnlyList<ProviderReport> Providers { get; init; }

    public DriverReport? Driver { get; init; }

    public required IReadOnlyList<LibraryReport> Libraries { get; init; }

    public required IReadOnlyList<string> Loaded { get; init; }

    public required IReadOnlyList<string> Folders { get; init; }
}
