using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VideoStyler.Stylize;

/// <summary>
/// Moves pixels between BGR24 frames and a model's float tensor: scale and offset into the model's
/// range, channel order, planar (NCHW) or interleaved (NHWC) layout, and on the way back rounding and
/// saturation to 0..255. The arithmetic runs on System.Numerics vectors over the whole tensor at
/// once; only the byte shuffle between interleaved pixels and planes is a scalar pass (cheap: one load
/// and one store per byte). Nothing is allocated: the caller owns a scratch buffer of pixels x 3 bytes.
/// </summary>
internal static class TensorPacking
{
    /// <summary>BGR bytes into three planes of <paramref name="pixels"/> floats (plane 0 = blue, or red when <paramref name="rgb"/>).</summary>
    public static void ToPlanar(ReadOnlySpan<byte> bgr, Span<float> tensor, Span<byte> scratch, int pixels, bool rgb, float scale, float offset)
    {
        var count = CheckSizes(bgr.Length, tensor.Length, scratch.Length, pixels);
        Deinterleave(bgr[..count], scratch[..count], pixels, rgb);
        BytesToFloats(scratch[..count], tensor[..count], scale, offset);
    }

    /// <summary>Three planes of floats back into BGR bytes.</summary>
    public static void FromPlanar(ReadOnlySpan<float> tensor, Span<byte> bgr, Span<byte> scratch, int pixels, bool rgb, float scale, float offset)
    {
        var count = CheckSizes(bgr.Length, tensor.Length, scratch.Length, pixels);
        FloatsToBytes(tensor[..count], scratch[..count], scale, offset);
        Interleave(scratch[..count], bgr[..count], pixels, rgb);
    }

    /// <summary>BGR bytes into interleaved floats, BGR or RGB order.</summary>
    public static void ToInterleaved(ReadOnlySpan<byte> bgr, Span<float> tensor, Span<byte> scratch, int pixels, bool rgb, float scale, float offset)
    {
        var count = CheckSizes(bgr.Length, tensor.Length, scratch.Length, pixels);
        var source = bgr[..count];
        if (rgb)
        {
            bgr[..count].CopyTo(scratch);
            SwapFirstAndThird(scratch[..count]);
            source = scratch[..count];
        }

        BytesToFloats(source, tensor[..count], scale, offset);
    }

    /// <summary>Interleaved floats (BGR or RGB order) back into BGR bytes.</summary>
    public static void FromInterleaved(ReadOnlySpan<float> tensor, Span<byte> bgr, int pixels, bool rgb, float scale, float offset)
    {
        var count = CheckSizes(bgr.Length, tensor.Length, int.MaxValue, pixels);
        FloatsToBytes(tensor[..count], bgr[..count], scale, offset);
        if (rgb)
        {
            SwapFirstAndThird(bgr[..count]);
        }
    }

    /// <summary>x * scale + offset for every byte.</summary>
    internal static void BytesToFloats(ReadOnlySpan<byte> source, Span<float> target, float scale, float offset)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scales = new Vector<float>(scale);
            var offsets = new Vector<float>(offset);
            var step = Vector<byte>.Count;
            var quarter = Vector<float>.Count;
            for (; i <= source.Length - step; i += step)
            {
                Vector.Widen(new Vector<byte>(source[i..]), out var low, out var high);
                Vector.Widen(low, out var a, out var b);
                Vector.Widen(high, out var c, out var d);
                var t = target[i..];
                Vector.FusedMultiplyAdd(Vector.ConvertToSingle(a), scales, offsets).CopyTo(t);
                Vector.FusedMultiplyAdd(Vector.ConvertToSingle(b), scales, offsets).CopyTo(t[quarter..]);
                Vector.FusedMultiplyAdd(Vector.ConvertToSingle(c), scales, offsets).CopyTo(t[(2 * quarter)..]);
                Vector.FusedMultiplyAdd(Vector.ConvertToSingle(d), scales, offsets).CopyTo(t[(3 * quarter)..]);
            }
        }

        for (; i < source.Length; i++)
        {
            target[i] = (source[i] * scale) + offset;
        }
    }

    /// <summary>x * scale + offset for every float, saturated to 0..255 and rounded (halves up; NaN gives 0).</summary>
    internal static void FloatsToBytes(ReadOnlySpan<float> source, Span<byte> target, float scale, float offset)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scales = new Vector<float>(scale);
            // +0.5 before truncation rounds; folding it into the offset saves an add per vector.
            var offsets = new Vector<float>(offset + 0.5f);
            var max = new Vector<float>(255.5f);
            var step = Vector<byte>.Count;
            var quarter = Vector<float>.Count;
            for (; i <= source.Length - step; i += step)
            {
                var s = source[i..];
                var a = Scaled(new Vector<float>(s), scales, offsets, max);
                var b = Scaled(new Vector<float>(s[quarter..]), scales, offsets, max);
                var c = Scaled(new Vector<float>(s[(2 * quarter)..]), scales, offsets, max);
                var d = Scaled(new Vector<float>(s[(3 * quarter)..]), scales, offsets, max);
                Vector.Narrow(Vector.Narrow(a, b), Vector.Narrow(c, d)).CopyTo(target[i..]);
            }
        }

        for (; i < source.Length; i++)
        {
            var value = (source[i] * scale) + offset + 0.5f;
            target[i] = value >= 255f ? (byte)255 : value >= 0f ? (byte)value : (byte)0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> Scaled(Vector<float> value, Vector<float> scales, Vector<float> offsets, Vector<float> max)
    {
        // Max/Min with the NaN-safe order: a NaN input ends up as 0.
        var clamped = Vector.Min(Vector.Max(Vector.FusedMultiplyAdd(value, scales, offsets), Vector<float>.Zero), max);
        return Vector.AsVectorUInt32(Vector.ConvertToInt32(clamped));
    }

    /// <summary>Pixels (3 bytes each) into three planes; the third byte goes first when <paramref name="reverse"/>.</summary>
    private static void Deinterleave(ReadOnlySpan<byte> pixelsIn, Span<byte> planes, int pixels, bool reverse)
    {
        ref var source = ref MemoryMarshal.GetReference(pixelsIn);
        ref var plane0 = ref MemoryMarshal.GetReference(planes);
        ref var first = ref reverse ? ref Unsafe.Add(ref plane0, 2 * pixels) : ref plane0;
        ref var second = ref Unsafe.Add(ref plane0, pixels);
        ref var third = ref reverse ? ref plane0 : ref Unsafe.Add(ref plane0, 2 * pixels);

        nint i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            // 16 pixels = 48 bytes = three vectors a, b, c. Byte k of pixel p sits at 3p + k: a byte
            // shuffle per (vector, channel) gathers what that vector holds of the channel (an index
            // of 16 or more gives 0), and OR-ing the three gives 16 bytes of one plane.
            for (; i <= pixels - 16; i += 16)
            {
                ref var at = ref Unsafe.Add(ref source, 3 * i);
                var a = Vector128.LoadUnsafe(ref at);
                var b = Vector128.LoadUnsafe(ref at, 16);
                var c = Vector128.LoadUnsafe(ref at, 32);
                var x = Vector128.Shuffle(a, Vector128.Create((byte)0, 3, 6, 9, 12, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))
                    | Vector128.Shuffle(b, Vector128.Create((byte)255, 255, 255, 255, 255, 255, 2, 5, 8, 11, 14, 255, 255, 255, 255, 255))
                    | Vector128.Shuffle(c, Vector128.Create((byte)255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1, 4, 7, 10, 13));
                var y = Vector128.Shuffle(a, Vector128.Create((byte)1, 4, 7, 10, 13, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))
                    | Vector128.Shuffle(b, Vector128.Create((byte)255, 255, 255, 255, 255, 0, 3, 6, 9, 12, 15, 255, 255, 255, 255, 255))
                    | Vector128.Shuffle(c, Vector128.Create((byte)255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 2, 5, 8, 11, 14));
                var z = Vector128.Shuffle(a, Vector128.Create((byte)2, 5, 8, 11, 14, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))
                    | Vector128.Shuffle(b, Vector128.Create((byte)255, 255, 255, 255, 255, 1, 4, 7, 10, 13, 255, 255, 255, 255, 255, 255))
                    | Vector128.Shuffle(c, Vector128.Create((byte)255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 3, 6, 9, 12, 15));
                x.StoreUnsafe(ref Unsafe.Add(ref first, i));
                y.StoreUnsafe(ref Unsafe.Add(ref second, i));
                z.StoreUnsafe(ref Unsafe.Add(ref third, i));
            }
        }

        for (; i < pixels; i++)
        {
            Unsafe.Add(ref first, i) = Unsafe.Add(ref source, 3 * i);
            Unsafe.Add(ref second, i) = Unsafe.Add(ref source, (3 * i) + 1);
            Unsafe.Add(ref third, i) = Unsafe.Add(ref source, (3 * i) + 2);
        }
    }

    /// <summary>The inverse of <see cref="Deinterleave"/>.</summary>
    private static void Interleave(ReadOnlySpan<byte> planes, Span<byte> pixelsOut, int pixels, bool reverse)
    {
        ref var plane0 = ref MemoryMarshal.GetReference(planes);
        ref var first = ref reverse ? ref Unsafe.Add(ref plane0, 2 * pixels) : ref plane0;
        ref var second = ref Unsafe.Add(ref plane0, pixels);
        ref var third = ref reverse ? ref plane0 : ref Unsafe.Add(ref plane0, 2 * pixels);
        ref var target = ref MemoryMarshal.GetReference(pixelsOut);

        nint i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            // The same shuffles the other way: output byte 3p + k takes byte p of plane k.
            for (; i <= pixels - 16; i += 16)
            {
                var x = Vector128.LoadUnsafe(ref Unsafe.Add(ref first, i));
                var y = Vector128.LoadUnsafe(ref Unsafe.Add(ref second, i));
                var z = Vector128.LoadUnsafe(ref Unsafe.Add(ref third, i));
                var a = Vector128.Shuffle(x, Vector128.Create((byte)0, 255, 255, 1, 255, 255, 2, 255, 255, 3, 255, 255, 4, 255, 255, 5))
                    | Vector128.Shuffle(y, Vector128.Create((byte)255, 0, 255, 255, 1, 255, 255, 2, 255, 255, 3, 255, 255, 4, 255, 255))
                    | Vector128.Shuffle(z, Vector128.Create((byte)255, 255, 0, 255, 255, 1, 255, 255, 2, 255, 255, 3, 255, 255, 4, 255));
                var b = Vector128.Shuffle(x, Vector128.Create((byte)255, 255, 6, 255, 255, 7, 255, 255, 8, 255, 255, 9, 255, 255, 10, 255))
                    | Vector128.Shuffle(y, Vector128.Create((byte)5, 255, 255, 6, 255, 255, 7, 255, 255, 8, 255, 255, 9, 255, 255, 10))
                    | Vector128.Shuffle(z, Vector128.Create((byte)255, 5, 255, 255, 6, 255, 255, 7, 255, 255, 8, 255, 255, 9, 255, 255));
                var c = Vector128.Shuffle(x, Vector128.Create((byte)255, 11, 255, 255, 12, 255, 255, 13, 255, 255, 14, 255, 255, 15, 255, 255))
                    | Vector128.Shuffle(y, Vector128.Create((byte)255, 255, 11, 255, 255, 12, 255, 255, 13, 255, 255, 14, 255, 255, 15, 255))
                    | Vector128.Shuffle(z, Vector128.Create((byte)10, 255, 255, 11, 255, 255, 12, 255, 255, 13, 255, 255, 14, 255, 255, 15));
                ref var at = ref Unsafe.Add(ref target, 3 * i);
                a.StoreUnsafe(ref at);
                b.StoreUnsafe(ref at, 16);
                c.StoreUnsafe(ref at, 32);
            }
        }

        for (; i < pixels; i++)
        {
            Unsafe.Add(ref target, 3 * i) = Unsafe.Add(ref first, i);
            Unsafe.Add(ref target, (3 * i) + 1) = Unsafe.Add(ref second, i);
            Unsafe.Add(ref target, (3 * i) + 2) = Unsafe.Add(ref third, i);
        }
    }

    private static void SwapFirstAndThird(Span<byte> pixels)
    {
        for (var j = 0; j + 2 < pixels.Length; j += 3)
        {
            (pixels[j], pixels[j + 2]) = (pixels[j + 2], pixels[j]);
        }
    }

    private static int CheckSizes(int bytes, int floats, int scratch, int pixels)
    {
        var count = pixels * 3;
        if (bytes < count || floats < count || scratch < count)
        {
            throw new ArgumentException($"buffers too small for {pixels} pixels ({bytes} bytes, {floats} floats, {scratch} scratch bytes)", nameof(pixels));
        }

        return count;
    }
}
