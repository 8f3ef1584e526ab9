namespace VideoStyler.Stylize;

internal static class ValueRangeExtensions
{
    /// <summary>Scale and offset that map an 8-bit value v to the model's range: v * scale + offset.</summary>
    public static (double Scale, double Offset) FromByte(this ValueRange range) => range switch
    {
        ValueRange.ZeroTo255 => (1.0, 0.0),
        ValueRange.ZeroToOne => (1.0 / 255.0, 0.0),
        ValueRange.MinusOneToOne => (2.0 / 255.0, -1.0),
        _ => throw new ArgumentOutOfRangeException(nameof(range)),
    };

    /// <summary>Scale and offset that map a model value m back to 8 bits: m * scale + offset (then saturated).</summary>
    public static (double Scale, double Offset) ToByte(this ValueRange range) => range switch
    {
        ValueRange.ZeroTo255 => (1.0, 0.0),
        ValueRange.ZeroToOne => (255.0, 0.0),
        ValueRange.MinusOneToOne => (127.5, 127.5),
        _ => throw new ArgumentOutOfRangeException(nameof(range)),
    };

    public static string ToText(this ValueRange range) => range switch
    {
        ValueRange.ZeroTo255 => "0..255",
        ValueRange.ZeroToOne => "0..1",
        ValueRange.MinusOneToOne => "-1..1",
        _ => throw new ArgumentOutOfRangeException(nameof(range)),
    };

    public static ValueRange? Parse(string? text) => text?.Trim() switch
    {
        "0..255" or "0-255" => ValueRange.ZeroTo255,
        "0..1" or "0-1" => ValueRange.ZeroToOne,
        "-1..1" or "-1-1" => ValueRange.MinusOneToOne,
        _ => null,
    };
}
