using System.Buffers.Binary;

namespace VideoStyler.Models.Tflite;

/// <summary>Decodes constant TFLite tensors (float32, float16, int8/uint8/int32 with or without quantization) to float32 or int64.</summary>
internal static class TfliteConstants
{
    /// <summary>The real values of a constant: float16 widened, quantized integers dequantized (per channel where the tensor is).</summary>
    public static float[] ToFloat(TfliteTensor tensor)
    {
        var data = tensor.Data ?? throw new InvalidOperationException($"tensor '{tensor.Name}' is not a constant");
        var count = checked((int)tensor.ElementCount);
        var values = new float[count];
        switch (tensor.Type)
        {
            case TfliteTensorType.Float32:
                Check(tensor, data, count, 4);
                for (var i = 0; i < count; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(4 * i));
                }

                return values;
            case TfliteTensorType.Float16:
                Check(tensor, data, count, 2);
                for (var i = 0; i < count; i++)
                {
                    values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(data.AsSpan(2 * i));
                }

                return values;
            case TfliteTensorType.Int8:
                Check(tensor, data, count, 1);
                for (var i = 0; i < count; i++)
                {
                    values[i] = (sbyte)data[i];
                }

                break;
            case TfliteTensorType.UInt8:
                Check(tensor, data, count, 1);
                for (var i = 0; i < count; i++)
                {
                    values[i] = data[i];
                }

                break;
            case TfliteTensorType.Int32:
                Check(tensor, data, count, 4);
                for (var i = 0; i < count; i++)
                {
                    values[i] = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(4 * i));
                }

                break;
            default:
                throw new UserFacingException($"constant '{tensor.Name}' has type {tensor.Type}, which the importer does not read");
        }

        if (tensor.Quantization is { } q)
        {
            Dequantize(values, tensor.Shape, q);
        }

        return values;
    }

    /// <summary>The values of an integer constant (int32 or int64) as int64.</summary>
    public static long[] ToInt64(TfliteTensor tensor)
    {
        var data = tensor.Data ?? throw new InvalidOperationException($"tensor '{tensor.Name}' is not a constant");
        var count = checked((int)tensor.ElementCount);
        var values = new long[count];
        var size = tensor.Type switch
        {
            TfliteTensorType.Int32 => 4,
            TfliteTensorType.Int64 => 8,
            _ => throw new UserFacingException($"constant '{tensor.Name}' has type {tensor.Type} where an integer is expected"),
        };
        Check(tensor, data, count, size);
        for (var i = 0; i < count; i++)
        {
            values[i] = size == 4
                ? BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(4 * i))
                : BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8 * i));
        }

        return values;
    }

    /// <summary>real = scale[c] * (q - zero_point[c]), c the index along the quantized axis (or one pair for all).</summary>
    public static void Dequantize(Span<float> values, int[] shape, TfliteQuantization q)
    {
        if (!q.PerChannel)
        {
            var (s, z) = (q.Scales[0], (float)q.ZeroPoints[0]);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = s * (values[i] - z);
            }

            return;
        }

        if (q.Axis < 0 || q.Axis >= shape.Length || shape[q.Axis] != q.Scales.Length)
        {
            throw new UserFacingException($"per-channel quantization on axis {q.Axis} does not fit shape [{string.Join(",", shape)}]");
        }

        var inner = 1;
        for (var d = q.Axis + 1; d < shape.Length; d++)
        {
            inner *= shape[d];
        }

        var channels = shape[q.Axis];
        for (var i = 0; i < values.Length; i++)
        {
            var c = (i / inner) % channels;
            values[i] = q.Scales[c] * (values[i] - q.ZeroPoints[c]);
        }
    }

    private static void Check(TfliteTensor tensor, byte[] data, int count, int size)
    {
        if (data.Length < (long)count * size)
        {
            throw new UserFacingException(
                $"constant '{tensor.Name}' holds {data.Length} bytes, fewer than its shape [{string.Join(",", tensor.Shape)}] needs");
        }
    }
}
