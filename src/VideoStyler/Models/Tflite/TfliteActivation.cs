namespace VideoStyler.Models.Tflite;

/// <summary>TFLite's ActivationFunctionType: the activation fused into CONV_2D, ADD, MUL, SUB.</summary>
internal enum TfliteActivation : sbyte
{
    None = 0,
    Relu = 1,
    ReluN1To1 = 2,
    Relu6 = 3,
    Tanh = 4,
    SignBit = 5,
}
