namespace VideoStyler.Models.Tflite;

/// <summary>TFLite BuiltinOperator codes (schema.fbs) of the operators the importer converts.</summary>
internal enum TfliteOperatorKind
{
    Add = 0,
    Conv2D = 3,
    DepthwiseConv2D = 4,
    Dequantize = 6,
    Logistic = 14,
    Mul = 18,
    Mean = 40,
    Sub = 41,
    StridedSlice = 45,
    Rsqrt = 76,
    Shape = 77,
    Pack = 83,
    ResizeNearestNeighbor = 97,
    SquaredDifference = 99,
    MirrorPad = 100,
    Quantize = 114,
}
