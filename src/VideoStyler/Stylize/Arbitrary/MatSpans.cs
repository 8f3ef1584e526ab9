using OpenCvSharp;

namespace VideoStyler.Stylize.Arbitrary;

/// <summary>Spans over continuous OpenCV Mats.</summary>
internal static class MatSpans
{
    /// <summary>The first <paramref name="count"/> elements of a continuous Mat's data.</summary>
    public static unsafe ReadOnlySpan<T> GetContinuousSpan<T>(this Mat mat, int count)
        where T : unmanaged
    {
        if (!mat.IsContinuous() || (long)mat.Total() * mat.ElemSize() < (long)count * sizeof(T))
        {
            throw new ArgumentException("expected a continuous Mat holding enough elements", nameof(mat));
        }

        return new ReadOnlySpan<T>((void*)mat.Data, count);
    }
}
