namespace VideoStyler.Models.Tflite;

/// <summary>
/// A tensor's affine quantization (real = scale * (q - zero_point)): one scale and zero point for the
/// whole tensor, or one per slice along <see cref="Axis"/> (per-channel weights).
/// </summary>
internal sealed record TfliteQuantization(float[] Scales, long[] ZeroPoints, int Axis)
{
    public bool PerChannel => Scales.Length > 1;
}
