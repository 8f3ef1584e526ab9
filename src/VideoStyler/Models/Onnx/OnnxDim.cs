namespace VideoStyler.Models.Onnx;

/// <summary>
/// One dimension of a graph input or output: either a fixed size or a symbolic name
/// (for example "height"). Converts implicitly from <see cref="int"/>, <see cref="long"/>
/// and <see cref="string"/>, so <c>builder.Input("x", ..., 1, 3, "height", "width")</c> works.
/// </summary>
internal readonly record struct OnnxDim
{
    private OnnxDim(long? value, string? symbol)
    {
        Value = value;
        Symbol = symbol;
    }

    /// <summary>The fixed size, or null for a symbolic dimension.</summary>
    public long? Value { get; }

    /// <summary>The symbolic name, or null for a fixed dimension.</summary>
    public string? Symbol { get; }

    public bool IsSymbolic => Symbol is not null;

    public static OnnxDim Fixed(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return new OnnxDim(value, null);
    }

    public static OnnxDim Symbolic(string symbol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        return new OnnxDim(null, symbol);
    }

    public static implicit operator OnnxDim(long value) => Fixed(value);

    public static implicit operator OnnxDim(int value) => Fixed(value);

    public static implicit operator OnnxDim(string symbol) => Symbolic(symbol);

    public override string ToString() => Symbol ?? Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
}
