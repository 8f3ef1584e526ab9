namespace VideoStyler.Models.Tflite;

/// <summary>
/// The builtin options of one operator, flattened: each operator kind reads the fields its options
/// table has (Conv2DOptions, DepthwiseConv2DOptions, AddOptions, ReducerOptions, ...); the rest keep
/// their schema defaults.
/// </summary>
internal sealed record TfliteOptions
{
    /// <summary>Padding: true = SAME, false = VALID.</summary>
    public bool SamePadding { get; init; }

    public int StrideW { get; init; } = 1;

    public int StrideH { get; init; } = 1;

    public int DilationW { get; init; } = 1;

    public int DilationH { get; init; } = 1;

    public int DepthMultiplier { get; init; } = 1;

    public TfliteActivation Activation { get; init; }

    /// <summary>MEAN: keep the reduced dims.</summary>
    public bool KeepDims { get; init; }

    /// <summary>MIRROR_PAD: true = REFLECT (edge not repeated), false = SYMMETRIC.</summary>
    public bool ReflectMode { get; init; } = true;

    /// <summary>RESIZE_NEAREST_NEIGHBOR flags.</summary>
    public bool AlignCorners { get; init; }

    public bool HalfPixelCenters { get; init; }

    /// <summary>STRIDED_SLICE masks.</summary>
    public int BeginMask { get; init; }

    public int EndMask { get; init; }

    public int EllipsisMask { get; init; }

    public int NewAxisMask { get; init; }

    public int ShrinkAxisMask { get; init; }

    /// <summary>PACK: the new axis.</summary>
    public int Axis { get; init; }
}
