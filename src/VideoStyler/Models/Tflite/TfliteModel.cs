namespace VideoStyler.Models.Tflite;

/// <summary>The first subgraph of a .tflite file, as read by <see cref="TfliteReader"/>.</summary>
internal sealed record TfliteModel
{
    public required int Version { get; init; }

    public string? Description { get; init; }

    public required IReadOnlyList<TfliteTensor> Tensors { get; init; }

    public required IReadOnlyList<TfliteOperator> Operators { get; init; }

    public required int[] Inputs { get; init; }

    public required int[] Outputs { get; init; }

    /// <summary>Operator counts by schema name, e.g. "CONV_2D: 36", in first-use order.</summary>
    public IReadOnlyList<(string Name, int Count)> OperatorCounts() =>
        [.. Operators.GroupBy(o => o.CodeName, StringComparer.Ordinal).Select(g => (g.Key, g.Count()))];
}
