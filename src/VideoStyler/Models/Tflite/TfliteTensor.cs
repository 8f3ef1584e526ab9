namespace VideoStyler.Models.Tflite;

/// <summary>One tensor of a TFLite subgraph. <see cref="Data"/> is set for constants (weights, biases, shapes).</summary>
internal sealed record TfliteTensor
{
    public required int Index { get; init; }

    public required string Name { get; init; }

    public required TfliteTensorType Type { get; init; }

    /// <summary>The shape as stored (dims the converter saw; free dims appear in <see cref="ShapeSignature"/> as -1).</summary>
    public required int[] Shape { get; init; }

    public int[]? ShapeSignature { get; init; }

    /// <summary>Little-endian constant bytes, or null for activations and graph inputs.</summary>
    public byte[]? Data { get; init; }

    public TfliteQuantization? Quantization { get; init; }

    public bool IsConstant => Data is { Length: > 0 };

    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);
}
