namespace VideoStyler.Stylize;

/// <summary>
/// How a style model wants its pictures: tensor names, layout, channel order, value range and
/// spatial dims (fixed or free). Found by <see cref="ConventionDetector"/>; a manifest overrides.
/// </summary>
internal sealed record ModelConvention
{
    public required string InputName { get; init; }

    public required string OutputName { get; init; }

    public TensorLayout Layout { get; init; } = TensorLayout.Nchw;

    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;

    public ValueRange Range { get; init; } = ValueRange.ZeroTo255;

    public ValueRange OutputRange { get; init; } = ValueRange.ZeroTo255;

    /// <summary>Height the model insists on, or null when the height dim is symbolic.</summary>
    public int? FixedHeight { get; init; }

    /// <summary>Width the model insists on, or null when the width dim is symbolic.</summary>
    public int? FixedWidth { get; init; }

    /// <summary>Free spatial dims are padded up to a multiple of this (strided convolutions need it).</summary>
    public int SizeMultiple { get; init; } = 1;

    /// <summary>Where each field came from, for `models inspect`.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public bool HasFixedSize => FixedHeight is not null && FixedWidth is not null;
}
