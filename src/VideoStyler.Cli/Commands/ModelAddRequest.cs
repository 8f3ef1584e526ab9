namespace VideoStyler.Cli.Commands;

/// <summary>What `models add` (and `styles add NAME --from FILE.onnx`) was asked to do.</summary>
internal sealed record ModelAddRequest(
    string File,
    string? Name,
    IReadOnlyList<string> Tags,
    string? Title,
    string? Artist,
    string? License,
    string? Description,
    string? ModelsDir,
    bool Force);
