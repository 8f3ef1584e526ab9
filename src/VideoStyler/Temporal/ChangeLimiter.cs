using System.Numerics;

namespace VideoStyler.Temporal;

/// <summary>
/// The per-pixel rule of <see cref="TemporalBlender"/> over one image row of interleaved 8-bit channels:
/// from the warped history w towards the stylized value c, the part of the change d = c - w that the
/// lookahead change a = n - w (same sign) confirms moves by up to confirmedTolerance x scale, the rest by up
/// to tolerance x scale. The lookahead value n counts as far as it is trusted: n' = c + trust (n - c), so an
/// untrusted lookahead confirms the whole change. The result lies between w and c, so it needs no clamping.
/// Vectorized (System.Numerics) with a scalar tail that computes exactly the same values.
/// </summary>
internal static class ChangeLimiter
{
    /// <param name="current">Stylized row (c).</param>
    /// <param name="next">Next stylized frame warped onto this one (n).</param>
    /// <param name="warped">Warped history (w).</param>
    /// <param name="trust">Per channel value: trust in <paramref name="next"/>, 0..1.</param>
    /// <param name="scale">Per channel value: 1 / confidence of the history's flow.</param>
    /// <param name="tolerance">Limit for the unconfirmed part of the change, at scale 1.</param>
    /// <param name="confirmedTolerance">Limit for the confirmed part, at scale 1.</param>
    /// <param name="result">Output row; may be <paramref name="current"/>'s memory.</param>
    public static void Row(
        ReadOnlySpan<byte> current, ReadOnlySpan<byte> next, ReadOnlySpan<byte> warped, ReadOnlySpan<float> trust, ReadOnlySpan<float> scale,
        float tolerance, float confirmedTolerance, Span<byte> result)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var bytes = Vector<byte>.Count;
            var floats = Vector<float>.Count;
            for (; i <= current.Length - bytes; i += bytes)
            {
                var (c0, c1, c2, c3) = ToSingles(new Vector<byte>(current[i..]));
                var (n0, n1, n2, n3) = ToSingles(new Vector<byte>(next[i..]));
                var (w0, w1, w2, w3) = ToSingles(new Vector<byte>(warped[i..]));
                var r0 = Step(c0, n0, w0, new Vector<float>(trust[i..]), new Vector<float>(scale[i..]), tolerance, confirmedTolerance);
                var r1 = Step(c1, n1, w1, new Vector<float>(trust[(i + floats)..]), new Vector<float>(scale[(i + floats)..]), tolerance, confirmedTolerance);
                var r2 = Step(c2, n2, w2, new Vector<float>(trust[(i + (2 * floats))..]), new Vector<float>(scale[(i + (2 * floats))..]), tolerance, confirmedTolerance);
                var r3 = Step(c3, n3, w3, new Vector<float>(trust[(i + (3 * floats))..]), new Vector<float>(scale[(i + (3 * floats))..]), tolerance, confirmedTolerance);
                var low = Vector.Narrow(Vector.AsVectorUInt32(Vector.ConvertToInt32(r0)), Vector.AsVectorUInt32(Vector.ConvertToInt32(r1)));
                var high = Vector.Narrow(Vector.AsVectorUInt32(Vector.ConvertToInt32(r2)), Vector.AsVectorUInt32(Vector.ConvertToInt32(r3)));
                Vector.Narrow(low, high).CopyTo(result[i..]);
            }
        }

        for (; i < current.Length; i++)
        {
            result[i] = Step(current[i], next[i], warped[i], trust[i], scale[i], tolerance, confirmedTolerance);
        }
    }

    /// <summary>The scalar rule for one value; the vector path computes the same operations in the same order.</summary>
    internal static byte Step(byte current, byte next, byte warped, float trust, float scale, float tolerance, float confirmedTolerance)
    {
        float c = current;
        float w = warped;
        var ahead = c + (trust * (next - c)) - w;
        var change = c - w;

        // The median of (0, change, ahead): the shared part of two changes in the same direction, else 0.
        var confirmed = MathF.Max(MathF.Min(change, ahead), MathF.Min(MathF.Max(change, ahead), 0f));
        var confirmedLimit = scale * confirmedTolerance;
        var limit = scale * tolerance;
        var step = MathF.Min(MathF.Max(confirmed, -confirmedLimit), confirmedLimit);
        step += MathF.Min(MathF.Max(change - step, -limit), limit);
        return (byte)(w + step + 0.5f);
    }

    private static Vector<float> Step(
        Vector<float> c, Vector<float> next, Vector<float> w, Vector<float> trust, Vector<float> scale, float tolerance, float confirmedTolerance)
    {
        var ahead = c + (trust * (next - c)) - w;
        var change = c - w;
        var confirmed = Vector.Max(Vector.Min(change, ahead), Vector.Min(Vector.Max(change, ahead), Vector<float>.Zero));
        var confirmedLimit = scale * confirmedTolerance;
        var limit = scale * tolerance;
        var step = Vector.Min(Vector.Max(confirmed, -confirmedLimit), confirmedLimit);
        step += Vector.Min(Vector.Max(change - step, -limit), limit);
        return w + step + new Vector<float>(0.5f);
    }

    private static (Vector<float>, Vector<float>, Vector<float>, Vector<float>) ToSingles(Vector<byte> value)
    {
        Vector.Widen(value, out var low, out var high);
        Vector.Widen(low, out var a, out var b);
        Vector.Widen(high, out var c, out var d);
        return (Vector.ConvertToSingle(a), Vector.ConvertToSingle(b), Vector.ConvertToSingle(c), Vector.ConvertToSingle(d));
    }
}
