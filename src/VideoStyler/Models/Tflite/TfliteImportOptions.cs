namespace VideoStyler.Models.Tflite;

/// <summary>How <see cref="TfliteToOnnxConverter"/> stores weights and treats quantized activations.</summary>
internal sealed record TfliteImportOptions
{
    /// <summary>
    /// Keep int8 weights as int8 initializers behind a DequantizeLinear (a quarter of the bytes; the
    /// default, and how the shipped predictor is stored); false dequantizes them to float32 at import.
    /// Float16 weights always become float32.
    /// </summary>
    public bool KeepInt8Weights { get; init; } = true;

    /// <summary>
    /// Quantize-dequantize (QDQ) every int8 activation the TFLite graph has, with its own scale and
    /// zero point, and store int8 weights and int32 biases behind DequantizeLinear, so ONNX Runtime
    /// can run the convolutions as integer kernels. False runs every activation in float32 (the
    /// quantization of activations is dropped: closer to the original float network).
    /// </summary>
    public bool QuantizedActivations { get; init; }

    /// <summary>The name recorded in the model's metadata.</summary>
    public string? Name { get; init; }
}
