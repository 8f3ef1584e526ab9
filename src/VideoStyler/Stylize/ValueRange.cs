namespace VideoStyler.Stylize;

/// <summary>The range pixel values are mapped to in the model's input and output tensors.</summary>
internal enum ValueRange
{
    /// <summary>0..255, the raw 8-bit values as floats.</summary>
    ZeroTo255,

    /// <summary>0..1.</summary>
    ZeroToOne,

    /// <summary>-1..1 (tanh-style GAN outputs).</summary>
    MinusOneToOne,
}
