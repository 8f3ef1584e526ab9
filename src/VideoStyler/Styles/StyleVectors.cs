namespace VideoStyler.Styles;

/// <summary>Arithmetic on style vectors: validation, cosine similarity, weighted mixing.</summary>
public static class StyleVectors
{
    /// <summary>Throws a one-line error when <paramref name="vector"/> is not 100 finite numbers.</summary>
    public static void Validate(ReadOnlySpan<float> vector, string origin)
    {
        if (vector.Length != StyleManifest.VectorLength)
        {
            throw new UserFacingException($"style vector in {origin} has {vector.Length} numbers; a style vector has {StyleManifest.VectorLength}");
        }

        foreach (var v in vector)
        {
            if (!float.IsFinite(v))
            {
                throw new UserFacingException($"style vector in {origin} holds a number that is not finite");
            }
        }
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("style vectors of different lengths");
        }

        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    /// <summary>The weighted average of style vectors (weights normalised to sum to 1), as Magenta mixes styles.</summary>
    public static float[] Mix(IReadOnlyList<(float[] Vector, float Weight)> parts)
    {
        if (parts.Count == 0)
        {
            throw new ArgumentException("nothing to mix");
        }

        var total = parts.Sum(p => (double)p.Weight);
        if (total <= 0)
        {
            throw new UserFacingException("style weights must add up to more than 0");
        }

        var length = parts[0].Vector.Length;
        var mixed = new double[length];
        foreach (var (vector, weight) in parts)
        {
            if (vector.Length != length)
            {
                throw new ArgumentException("style vectors of different lengths");
            }

            for (var i = 0; i < length; i++)
            {
                mixed[i] += vector[i] * (weight / total);
            }
        }

        return [.. mixed.Select(v => (float)v)];
    }
}
