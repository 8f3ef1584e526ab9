namespace VideoStyler.Stylize.Arbitrary;

/// <summary>
/// Arithmetic on style vectors, as Magenta documents it: a weighted average of several vectors mixes
/// their styles; interpolating between the content picture's own vector and a style's vector sets the
/// stylization strength (0 = the content's own look, 1 = the full style).
/// </summary>
internal static class StyleVectors
{
    /// <summary>(1 - strength) * content + strength * style.</summary>
    public static float[] Interpolate(ReadOnlySpan<float> content, ReadOnlySpan<float> style, double strength)
    {
        if (content.Length != style.Length)
        {
            throw new ArgumentException($"style vectors of different lengths ({content.Length}, {style.Length})", nameof(style));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(strength, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(strength, 1.0);
        var s = (float)strength;
        var result = new float[style.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = ((1f - s) * content[i]) + (s * style[i]);
        }

        return result;
    }

    /// <summary>The weighted average (weights normalized to sum 1) of equally long vectors.</summary>
    public static float[] Mix(IReadOnlyList<(float[] Vector, double Weight)> parts)
    {
        if (parts.Count == 0)
        {
            throw new ArgumentException("nothing to mix", nameof(parts));
        }

        var total = parts.Sum(p => p.Weight);
        if (total <= 0 || parts.Any(p => p.Weight < 0))
        {
            throw new ArgumentException("mix weights must be >= 0 and not all 0", nameof(parts));
        }

        var length = parts[0].Vector.Length;
        var result = new double[length];
        foreach (var (vector, weight) in parts)
        {
            if (vector.Length != length)
            {
                throw new ArgumentException($"style vectors of different lengths ({length}, {vector.Length})", nameof(parts));
            }

            for (var i = 0; i < length; i++)
            {
                result[i] += vector[i] * (weight / total);
            }
        }

        return [.. result.Select(v => (float)v)];
    }

    /// <summary>Cosine similarity of two vectors (1 = same direction).</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
