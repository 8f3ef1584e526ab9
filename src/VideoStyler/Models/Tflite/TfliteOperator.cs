namespace VideoStyler.Models.Tflite;

/// <summary>One operator of a TFLite subgraph: its builtin code, tensor indices (-1 = omitted optional input) and options.</summary>
internal sealed record TfliteOperator
{
    /// <summary>The builtin operator code (a <see cref="TfliteOperatorKind"/> when the importer knows it).</summary>
    public required int Code { get; init; }

    /// <summary>The schema name of the code, e.g. "CONV_2D", or "CUSTOM(name)".</summary>
    public required string CodeName { get; init; }

    public required int[] Inputs { get; init; }

    public required int[] Outputs { get; init; }

    public required TfliteOptions Options { get; init; }

    public TfliteOperatorKind Kind => (TfliteOperatorKind)Code;
}
