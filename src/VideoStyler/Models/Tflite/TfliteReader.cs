using System.Collections.Frozen;
using Google.FlatBuffers;

namespace VideoStyler.Models.Tflite;

/// <summary>
/// Reads a .tflite file (a FlatBuffers buffer with the identifier "TFL3") through the FlatBuffers
/// Table API, field by field, using the slot numbers of TensorFlow Lite's schema.fbs (Model,
/// SubGraph, Tensor, Buffer, QuantizationParameters, Operator, OperatorCode and the options tables
/// of the operators in <see cref="TfliteOperatorKind"/>). Only the first subgraph is read. Any
/// structural damage becomes a one-line <see cref="UserFacingException"/>.
/// </summary>
internal static class TfliteReader
{
    private static readonly FrozenDictionary<int, string> CodeNames = new Dictionary<int, string>
    {
        [0] = "ADD", [1] = "AVERAGE_POOL_2D", [2] = "CONCATENATION", [3] = "CONV_2D", [4] = "DEPTHWISE_CONV_2D",
        [5] = "DEPTH_TO_SPACE", [6] = "DEQUANTIZE", [8] = "FLOOR", [9] = "FULLY_CONNECTED", [14] = "LOGISTIC",
        [17] = "MAX_POOL_2D", [18] = "MUL", [19] = "RELU", [21] = "RELU6", [22] = "RESHAPE",
        [23] = "RESIZE_BILINEAR", [25] = "SOFTMAX", [28] = "TANH", [32] = "CUSTOM", [34] = "PAD",
        [39] = "TRANSPOSE", [40] = "MEAN", [41] = "SUB", [42] = "DIV", [43] = "SQUEEZE",
        [45] = "STRIDED_SLICE", [47] = "EXP", [53] = "CAST", [54] = "PRELU", [55] = "MAXIMUM",
        [57] = "MINIMUM", [60] = "PADV2", [65] = "SLICE", [67] = "TRANSPOSE_CONV", [70] = "EXPAND_DIMS",
        [74] = "SUM", [75] = "SQRT", [76] = "RSQRT", [77] = "SHAPE", [78] = "POW", [83] = "PACK",
        [88] = "UNPACK", [92] = "SQUARE", [97] = "RESIZE_NEAREST_NEIGHBOR", [98] = "LEAKY_RELU",
        [99] = "SQUARED_DIFFERENCE", [100] = "MIRROR_PAD", [101] = "ABS", [114] = "QUANTIZE",
        [117] = "HARD_SWISH",
    }.ToFrozenDictionary();

    /// <summary>The schema name of a builtin operator code, e.g. 3 -> "CONV_2D".</summary>
    public static string CodeName(int code) => CodeNames.TryGetValue(code, out var name) ? name : $"BUILTIN_{code}";

    public static TfliteModel Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot read {path}: {ex.Message}");
        }

        return Read(bytes, path);
    }

    public static TfliteModel Read(byte[] bytes, string origin)
    {
        if (bytes.Length < 8 || bytes[4] != 'T' || bytes[5] != 'F' || bytes[6] != 'L' || bytes[7] != '3')
        {
            throw new UserFacingException($"{origin} is not a TensorFlow Lite model (no TFL3 FlatBuffers identifier)");
        }

        try
        {
            return ReadModel(new ByteBuffer(bytes));
        }
        catch (InvalidDataException ex)
        {
            throw new UserFacingException($"{origin} is a damaged TensorFlow Lite model: {ex.Message}");
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            throw new UserFacingException($"{origin} is a damaged TensorFlow Lite model (truncated, or a table points outside the file)");
        }
    }

    private static TfliteModel ReadModel(ByteBuffer bb)
    {
        var model = new Table(bb.GetInt(0), bb);
        var version = (int)ScalarUInt(model, 0, 0);
        var codes = Tables(model, 1).Select(ReadOperatorCode).ToArray();
        var subgraphs = Tables(model, 2);
        if (subgraphs.Count == 0)
        {
            throw new InvalidDataException("it has no subgraph");
        }

        var description = String(model, 3);
        var buffers = Tables(model, 4);
        var graph = subgraphs[0];
        var tensors = Tables(graph, 0).Select((t, i) => ReadTensor(t, i, buffers, bb)).ToArray();
        var operators = Tables(graph, 3).Select(o => ReadOperator(o, codes)).ToArray();
        var inputs = Ints(graph, 1);
        var outputs = Ints(graph, 2);
        foreach (var index in operators.SelectMany(o => o.Inputs.Concat(o.Outputs)).Concat(inputs).Concat(outputs))
        {
            if (index < -1 || index >= tensors.Length)
            {
                throw new InvalidDataException($"an operator refers to tensor {index} of {tensors.Length}");
            }
        }

        return new TfliteModel
        {
            Version = version,
            Description = description,
            Tensors = tensors,
            Operators = operators,
            Inputs = inputs,
            Outputs = outputs,
        };
    }

    // OperatorCode: deprecated_builtin_code:byte (0), custom_code:string (1), version:int (2), builtin_code:int (3).
    private static (int Code, string? Custom) ReadOperatorCode(Table table)
    {
        var deprecated = ScalarSByte(table, 0, 0);
        var builtin = ScalarInt(table, 3, 0);
        return (Math.Max(deprecated, builtin), String(table, 1));
    }

    // Tensor: shape:[int] (0), type:byte (1), buffer:uint (2), name:string (3),
    // quantization:QuantizationParameters (4), is_variable (5), sparsity (6), shape_signature:[int] (7).
    private static TfliteTensor ReadTensor(Table table, int index, List<Table> buffers, ByteBuffer bb)
    {
        var bufferIndex = ScalarUInt(table, 2, 0);
        byte[]? data = null;
        if (bufferIndex > 0)
        {
            if (bufferIndex >= buffers.Count)
            {
                throw new InvalidDataException($"tensor {index} refers to buffer {bufferIndex} of {buffers.Count}");
            }

            data = BufferBytes(buffers[(int)bufferIndex], bb);
        }

        var signature = Ints(table, 7);
        return new TfliteTensor
        {
            Index = index,
            Name = String(table, 3) ?? $"tensor_{index}",
            Type = (TfliteTensorType)ScalarSByte(table, 1, 0),
            Shape = Ints(table, 0),
            ShapeSignature = signature.Length > 0 ? signature : null,
            Data = data is { Length: > 0 } ? data : null,
            Quantization = SubTable(table, 4) is { } q ? ReadQuantization(q) : null,
        };
    }

    // Buffer: data:[ubyte] (0), offset:ulong (1), size:ulong (2); offset/size point past the FlatBuffer (large models).
    private static byte[]? BufferBytes(Table buffer, ByteBuffer bb)
    {
        var o = buffer.__offset(Slot(0));
        if (o != 0)
        {
            var start = buffer.__vector(o);
            var length = buffer.__vector_len(o);
            CheckRange(bb, start, length);
            return bb.ToArray<byte>(start, length);
        }

        var offset = ScalarULong(buffer, 1);
        var size = ScalarULong(buffer, 2);
        if (offset > 1 && size > 0)
        {
            if (offset + size > (ulong)bb.Length)
            {
                throw new InvalidDataException($"a buffer at {offset} (+{size}) lies past the end of the file");
            }

            return bb.ToArray<byte>((int)offset, (int)size);
        }

        return null;
    }

    // QuantizationParameters: min (0), max (1), scale:[float] (2), zero_point:[long] (3),
    // details union (4, 5), quantized_dimension:int (6).
    private static TfliteQuantization? ReadQuantization(Table table)
    {
        var scales = Floats(table, 2);
        if (scales.Length == 0)
        {
            return null;
        }

        var zeroPoints = Longs(table, 3);
        if (zeroPoints.Length == 0)
        {
            zeroPoints = new long[scales.Length];
        }

        if (zeroPoints.Length != scales.Length)
        {
            throw new InvalidDataException($"{scales.Length} quantization scales but {zeroPoints.Length} zero points");
        }

        return new TfliteQuantization(scales, zeroPoints, ScalarInt(table, 6, 0));
    }

    // Operator: opcode_index:uint (0), inputs:[int] (1), outputs:[int] (2), builtin_options_type (3), builtin_options (4).
    private static TfliteOperator ReadOperator(Table table, (int Code, string? Custom)[] codes)
    {
        var opcode = ScalarUInt(table, 0, 0);
        if (opcode >= codes.Length)
        {
            throw new InvalidDataException($"an operator uses opcode {opcode} of {codes.Length}");
        }

        var (code, custom) = codes[opcode];
        var name = code == 32 ? $"CUSTOM({custom})" : CodeName(code);
        var options = SubTable(table, 4) is { } o ? ReadOptions((TfliteOperatorKind)code, o) : new TfliteOptions();
        return new TfliteOperator { Code = code, CodeName = name, Inputs = Ints(table, 1), Outputs = Ints(table, 2), Options = options };
    }

    private static TfliteOptions ReadOptions(TfliteOperatorKind kind, Table t) => kind switch
    {
        // Conv2DOptions: padding (0), stride_w (1), stride_h (2), fused_activation_function (3),
        // dilation_w_factor (4), dilation_h_factor (5).
        TfliteOperatorKind.Conv2D => new TfliteOptions
        {
            SamePadding = ScalarSByte(t, 0, 0) == 0,
            StrideW = ScalarInt(t, 1, 1),
            StrideH = ScalarInt(t, 2, 1),
            Activation = (TfliteActivation)ScalarSByte(t, 3, 0),
            DilationW = ScalarInt(t, 4, 1),
            DilationH = ScalarInt(t, 5, 1),
        },
        // DepthwiseConv2DOptions: padding (0), stride_w (1), stride_h (2), depth_multiplier (3),
        // fused_activation_function (4), dilation_w_factor (5), dilation_h_factor (6).
        TfliteOperatorKind.DepthwiseConv2D => new TfliteOptions
        {
            SamePadding = ScalarSByte(t, 0, 0) == 0,
            StrideW = ScalarInt(t, 1, 1),
            StrideH = ScalarInt(t, 2, 1),
            DepthMultiplier = ScalarInt(t, 3, 1),
            Activation = (TfliteActivation)ScalarSByte(t, 4, 0),
            DilationW = ScalarInt(t, 5, 1),
            DilationH = ScalarInt(t, 6, 1),
        },
        // AddOptions / SubOptions / MulOptions: fused_activation_function (0).
        TfliteOperatorKind.Add or TfliteOperatorKind.Sub or TfliteOperatorKind.Mul =>
            new TfliteOptions { Activation = (TfliteActivation)ScalarSByte(t, 0, 0) },
        // ReducerOptions: keep_dims (0).
        TfliteOperatorKind.Mean => new TfliteOptions { KeepDims = ScalarSByte(t, 0, 0) != 0 },
        // MirrorPadOptions: mode (0): REFLECT = 0, SYMMETRIC = 1.
        TfliteOperatorKind.MirrorPad => new TfliteOptions { ReflectMode = ScalarSByte(t, 0, 0) == 0 },
        // ResizeNearestNeighborOptions: align_corners (0), half_pixel_centers (1).
        TfliteOperatorKind.ResizeNearestNeighbor => new TfliteOptions
        {
            AlignCorners = ScalarSByte(t, 0, 0) != 0,
            HalfPixelCenters = ScalarSByte(t, 1, 0) != 0,
        },
        // StridedSliceOptions: begin_mask (0), end_mask (1), ellipsis_mask (2), new_axis_mask (3), shrink_axis_mask (4).
        TfliteOperatorKind.StridedSlice => new TfliteOptions
        {
            BeginMask = ScalarInt(t, 0, 0),
            EndMask = ScalarInt(t, 1, 0),
            EllipsisMask = ScalarInt(t, 2, 0),
            NewAxisMask = ScalarInt(t, 3, 0),
            ShrinkAxisMask = ScalarInt(t, 4, 0),
        },
        // PackOptions: values_count (0), axis (1).
        TfliteOperatorKind.Pack => new TfliteOptions { Axis = ScalarInt(t, 1, 0) },
        _ => new TfliteOptions(),
    };

    private static int Slot(int slot) => 4 + (2 * slot);

    private static int ScalarInt(Table t, int slot, int fallback)
    {
        var o = t.__offset(Slot(slot));
        return o == 0 ? fallback : t.bb.GetInt(t.bb_pos + o);
    }

    private static uint ScalarUInt(Table t, int slot, uint fallback)
    {
        var o = t.__offset(Slot(slot));
        return o == 0 ? fallback : t.bb.GetUint(t.bb_pos + o);
    }

    private static ulong ScalarULong(Table t, int slot)
    {
        var o = t.__offset(Slot(slot));
        return o == 0 ? 0 : t.bb.GetUlong(t.bb_pos + o);
    }

    private static sbyte ScalarSByte(Table t, int slot, sbyte fallback)
    {
        var o = t.__offset(Slot(slot));
        return o == 0 ? fallback : t.bb.GetSbyte(t.bb_pos + o);
    }

    private static string? String(Table t, int slot)
    {
        var o = t.__offset(Slot(slot));
        return o == 0 ? null : t.__string(t.bb_pos + o);
    }

    private static Table? SubTable(Table t, int slot)
    {
        var o = t.__offset(Slot(slot));
        return o == 0 ? null : new Table(t.__indirect(t.bb_pos + o), t.bb);
    }

    private static List<Table> Tables(Table t, int slot)
    {
        var o = t.__offset(Slot(slot));
        if (o == 0)
        {
            return [];
        }

        var start = t.__vector(o);
        var length = t.__vector_len(o);
        CheckRange(t.bb, start, 4L * length);
        var result = new List<Table>(length);
        for (var i = 0; i < length; i++)
        {
            result.Add(new Table(t.__indirect(start + (4 * i)), t.bb));
        }

        return result;
    }

    private static int[] Ints(Table t, int slot) => Vector<int>(t, slot, 4, (bb, p) => bb.GetInt(p));

    private static float[] Floats(Table t, int slot) => Vector<float>(t, slot, 4, (bb, p) => bb.GetFloat(p));

    private static long[] Longs(Table t, int slot) => Vector<long>(t, slot, 8, (bb, p) => bb.GetLong(p));

    private static T[] Vector<T>(Table t, int slot, int size, Func<ByteBuffer, int, T> read)
    {
        var o = t.__offset(Slot(slot));
        if (o == 0)
        {
            return [];
        }

        var start = t.__vector(o);
        var length = t.__vector_len(o);
        CheckRange(t.bb, start, (long)size * length);
        var result = new T[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = read(t.bb, start + (size * i));
        }

        return result;
    }

    private static void CheckRange(ByteBuffer bb, int start, long length)
    {
        if (start < 0 || length < 0 || start + length > bb.Length)
        {
            throw new InvalidDataException($"a vector at {start} (+{length} bytes) lies outside the {bb.Length}-byte file");
        }
    }
}
