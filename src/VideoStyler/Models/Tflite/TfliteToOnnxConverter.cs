using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using VideoStyler.Models.Onnx;
using VideoStyler.Models.Onnx.Proto;
using static VideoStyler.Models.Onnx.OnnxGraphBuilder;
using DataType = VideoStyler.Models.Onnx.Proto.TensorProto.Types.DataType;

namespace VideoStyler.Models.Tflite;

/// <summary>
/// Converts the first subgraph of a TFLite model into an ONNX model (opset 13) with
/// <see cref="OnnxGraphBuilder"/>.
/// <para>Layout: the ONNX model keeps TFLite's interface: 4-D float inputs and outputs are NHWC
/// (an image input gets the free dims "height" and "width"; a 1x1 input such as a style vector keeps
/// its fixed shape). Inside, every 4-D activation is NCHW (one Transpose after each input, one
/// before each output) because ONNX's Conv, Pad and Resize are NCHW; weights are transposed at
/// import ([out,kh,kw,in] to [out,in,kh,kw]; depthwise [1,kh,kw,c] to [c,1,kh,kw]).</para>
/// <para>Numbers: float16 constants become float32; int8/int32 constants are dequantized with their
/// (per-channel) scale and zero point, or kept int8 behind DequantizeLinear
/// (<see cref="TfliteImportOptions.KeepInt8Weights"/>); quantized activations run in float32 unless
/// <see cref="TfliteImportOptions.QuantizedActivations"/> asks for QuantizeLinear/DequantizeLinear pairs.</para>
/// <para>Operators: ADD, SUB, MUL, SQUARED_DIFFERENCE (with fused activations), CONV_2D and
/// DEPTHWISE_CONV_2D (SAME/VALID padding; SAME with stride 2 is TF's asymmetric padding, extra pixel
/// at the end: ONNX auto_pad SAME_UPPER), MEAN, RSQRT, LOGISTIC, MIRROR_PAD (REFLECT),
/// RESIZE_NEAREST_NEIGHBOR (a constant size becomes a scale factor, so any frame size works),
/// QUANTIZE, DEQUANTIZE, and the shape arithmetic SHAPE, STRIDED_SLICE, PACK. Anything else is
/// refused up front with one line naming the operators.</para>
/// The same input always gives byte-identical output (names come from counters).
/// </summary>
internal sealed class TfliteToOnnxConverter
{
    public const int OpsetVersion = 13;

    // NHWC axis -> NCHW axis, and the permutations between the two layouts.
    private static readonly int[] NhwcToNchwAxis = [0, 2, 3, 1];
    private static readonly long[] ToNchw = [0, 3, 1, 2];
    private static readonly long[] ToNhwc = [0, 2, 3, 1];

    private readonly TfliteModel _model;
    private readonly TfliteImportOptions _options;
    private readonly OnnxGraphBuilder _b;
    private readonly Dictionary<int, Value> _values = [];
    private readonly Dictionary<int, Folded> _folded = [];

    private TfliteToOnnxConverter(TfliteModel model, TfliteImportOptions options, string graphName)
    {
        _model = model;
        _options = options;
        _b = new OnnxGraphBuilder(graphName);
    }

    /// <summary>A dynamic (computed) tensor: its ONNX name, rank, whether it is held NCHW, whether it is an int64 shape value.</summary>
    private sealed record Value(string Name, int Rank, bool Nchw, bool IsInt);

    /// <summary>A DEQUANTIZE of a constant, folded at import: its real values and the tensor they came from.</summary>
    private sealed record Folded(float[] Values, TfliteTensor Source);

    /// <summary>The operators of <paramref name="model"/> this converter cannot convert, as "NAME (count)".</summary>
    public static IReadOnlyList<string> UnsupportedOperators(TfliteModel model) =>
        [.. model.Operators.Where(o => !Enum.IsDefined((TfliteOperatorKind)o.Code) || o.CodeName.StartsWith("CUSTOM", StringComparison.Ordinal))
            .GroupBy(o => o.CodeName, StringComparer.Ordinal).Select(g => $"{g.Key} ({g.Count()})")];

    /// <summary>Converts <paramref name="model"/>; metadata records <paramref name="provenance"/> entries (e.g. the source sha256).</summary>
    public static ModelProto Convert(TfliteModel model, TfliteImportOptions options, IReadOnlyDictionary<string, string>? provenance = null)
    {
        var unsupported = UnsupportedOperators(model);
        if (unsupported.Count > 0)
        {
            throw new UserFacingException($"the model uses operators the importer does not convert: {string.Join(", ", unsupported)}");
        }

        var converter = new TfliteToOnnxConverter(model, options, string.IsNullOrWhiteSpace(options.Name) ? "tflite" : options.Name);
        return converter.Run(provenance ?? new Dictionary<string, string>(StringComparer.Ordinal));
    }

    private ModelProto Run(IReadOnlyDictionary<string, string> provenance)
    {
        _b.Producer("VideoStyler", "1")
            .IrVersion(7)
            .Opset(OpsetVersion)
            .DocString("Converted from TensorFlow Lite by VideoStyler's importer. 4-D inputs and outputs are NHWC, as in the TFLite model.")
            .Metadata("videostyler.generator", "VideoStyler.Models.Tflite.TfliteToOnnxConverter")
            .Metadata("videostyler.layout", "NHWC");
        foreach (var (key, value) in provenance.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            _b.Metadata(key, value);
        }

        var imageDims = new HashSet<(int, int)>();
        foreach (var index in _model.Inputs)
        {
            AddInput(_model.Tensors[index], imageDims);
        }

        foreach (var op in _model.Operators)
        {
            ConvertOperator(op);
        }

        foreach (var index in _model.Outputs)
        {
            AddOutput(_model.Tensors[index], imageDims);
        }

        return _b.Build();
    }

    private void AddInput(TfliteTensor tensor, HashSet<(int, int)> imageDims)
    {
        if (tensor.Type != TfliteTensorType.Float32)
        {
            throw new UserFacingException($"input '{tensor.Name}' is {tensor.Type}; the importer takes float32 inputs only");
        }

        var shape = tensor.Shape;
        if (shape.Length == 4)
        {
            OnnxDim[] dims = IsImage(shape)
                ? [shape[0], "height", "width", shape[3]]
                : [shape[0], shape[1], shape[2], shape[3]];
            if (IsImage(shape))
            {
                imageDims.Add((shape[1], shape[2]));
            }

            _b.Input(tensor.Name, DataType.Float, dims);
            _values[tensor.Index] = new Value(_b.Apply("Transpose", [tensor.Name], Attr("perm", ToNchw)), 4, true, false);
            return;
        }

        _b.Input(tensor.Name, DataType.Float, [.. shape.Select(d => (OnnxDim)d)]);
        _values[tensor.Index] = new Value(tensor.Name, shape.Length, false, false);
    }

    private void AddOutput(TfliteTensor tensor, HashSet<(int, int)> imageDims)
    {
        var value = Dynamic(tensor.Index, "a graph output");
        var shape = tensor.Shape;
        if (value.Nchw)
        {
            _b.Node("Transpose", [value.Name], [tensor.Name], Attr("perm", ToNhwc));
            OnnxDim[] dims = shape.Length != 4 ? ["n", "out_height", "out_width", "channels"] // shape left unknown by the converter
                : !IsImage(shape) ? [shape[0], shape[1], shape[2], shape[3]]
                : imageDims.Contains((shape[1], shape[2])) ? [shape[0], "height", "width", shape[3]]
                : [shape[0], "out_height", "out_width", shape[3]];
            _b.Output(tensor.Name, DataType.Float, dims);
            return;
        }

        _b.Node("Identity", [value.Name], [tensor.Name]);
        _b.Output(tensor.Name, value.IsInt ? DataType.Int64 : DataType.Float, [.. shape.Select(d => (OnnxDim)d)]);
    }

    private static bool IsImage(int[] shape) => shape.Length == 4 && (shape[1] > 1 || shape[2] > 1);

    private void ConvertOperator(TfliteOperator op)
    {
        var o = op.Options;
        switch (op.Kind)
        {
            case TfliteOperatorKind.Conv2D:
                Conv(op, depthwise: false);
                break;
            case TfliteOperatorKind.DepthwiseConv2D:
                Conv(op, depthwise: true);
                break;
            case TfliteOperatorKind.Add:
                Set(op, Activate(Binary("Add", op), o.Activation, op.CodeName));
                break;
            case TfliteOperatorKind.Sub:
                Set(op, Activate(Binary("Sub", op), o.Activation, op.CodeName));
                break;
            case TfliteOperatorKind.Mul:
                Set(op, Activate(Binary("Mul", op), o.Activation, op.CodeName));
                break;
            case TfliteOperatorKind.SquaredDifference:
            {
                var d = Binary("Sub", op);
                Set(op, d with { Name = _b.Apply("Mul", [d.Name, d.Name]) });
                break;
            }

            case TfliteOperatorKind.Rsqrt:
            {
                var x = Dynamic(op.Inputs[0], op.CodeName);
                Set(op, x with { Name = _b.Apply("Reciprocal", [_b.Apply("Sqrt", [x.Name])]) });
                break;
            }

            case TfliteOperatorKind.Logistic:
            {
                var x = Dynamic(op.Inputs[0], op.CodeName);
                Set(op, x with { Name = _b.Apply("Sigmoid", [x.Name]) });
                break;
            }

            case TfliteOperatorKind.Mean:
                Mean(op);
                break;
            case TfliteOperatorKind.MirrorPad:
                MirrorPad(op);
                break;
            case TfliteOperatorKind.ResizeNearestNeighbor:
                ResizeNearest(op);
                break;
            case TfliteOperatorKind.Quantize:
                Quantize(op);
                return; // already quantize-dequantized when asked for
            case TfliteOperatorKind.Dequantize:
                Dequantize(op);
                return;
            case TfliteOperatorKind.Shape:
                Shape(op);
                break;
            case TfliteOperatorKind.StridedSlice:
                StridedSlice(op);
                break;
            case TfliteOperatorKind.Pack:
                Pack(op);
                break;
            default:
                throw new UserFacingException($"the importer does not convert {op.CodeName}");
        }

        if (_options.QuantizedActivations)
        {
            var output = _model.Tensors[op.Outputs[0]];
            if (output.Type is TfliteTensorType.Int8 or TfliteTensorType.UInt8 && output.Quantization is { PerChannel: false } && _values.TryGetValue(output.Index, out var v))
            {
                _values[output.Index] = v with { Name = FakeQuantize(v.Name, output) };
            }
        }
    }

    private void Set(TfliteOperator op, Value value) => _values[op.Outputs[0]] = value;

    // ---- convolutions -------------------------------------------------------------------------

    private void Conv(TfliteOperator op, bool depthwise)
    {
        var o = op.Options;
        var x = Dynamic(op.Inputs[0], op.CodeName);
        if (!x.Nchw)
        {
            throw new UserFacingException($"{op.CodeName} on a {x.Rank}-D tensor is not supported");
        }

        var weightTensor = _model.Tensors[op.Inputs[1]];
        var ws = weightTensor.Shape;
        if (ws.Length != 4)
        {
            throw new UserFacingException($"{op.CodeName} weights '{weightTensor.Name}' are not 4-D");
        }

        // CONV_2D weights [out, kh, kw, in] -> [out, in, kh, kw]; DEPTHWISE [1, kh, kw, c*m] -> [c*m, 1, kh, kw].
        int[] perm = depthwise ? [3, 0, 1, 2] : [0, 3, 1, 2];
        var (kh, kw) = (ws[1], ws[2]);
        var weights = Weights(op.Inputs[1], perm, op.CodeName);
        List<string> inputs = [x.Name, weights];
        if (op.Inputs.Length > 2 && op.Inputs[2] >= 0)
        {
            inputs.Add(Bias(op.Inputs[2], op.CodeName));
        }

        var attributes = new List<AttributeProto>
        {
            Attr("kernel_shape", kh, kw),
            Attr("strides", o.StrideH, (long)o.StrideW),
            Attr("dilations", o.DilationH, (long)o.DilationW),
        };
        if (depthwise)
        {
            var inputChannels = _model.Tensors[op.Inputs[0]].Shape is { Length: 4 } s ? s[3] : 0;
            if (inputChannels <= 0 || ws[3] != inputChannels * o.DepthMultiplier)
            {
                throw new UserFacingException($"{op.CodeName}: {ws[3]} output channels do not fit {inputChannels} inputs x multiplier {o.DepthMultiplier}");
            }

            attributes.Add(Attr("group", (long)inputChannels));
        }

        if (o.SamePadding)
        {
            if (o.StrideH == 1 && o.StrideW == 1)
            {
                // TF's SAME with stride 1: (k-1)*d pixels in all, the odd one at the end.
                long th = (kh - 1) * o.DilationH;
                long tw = (kw - 1) * o.DilationW;
                attributes.Add(Attr("pads", th / 2, tw / 2, th - (th / 2), tw - (tw / 2)));
            }
            else
            {
                attributes.Add(Attr("auto_pad", "SAME_UPPER"));
            }
        }

        var y = _b.Apply("Conv", inputs, [.. attributes]);
        Set(op, Activate(new Value(y, 4, true, false), o.Activation, op.CodeName));
    }

    /// <summary>Conv weights, transposed by <paramref name="perm"/>: float32, or int8 behind DequantizeLinear.</summary>
    private string Weights(int index, int[] perm, string opName)
    {
        var (values, source) = ConstantFloat(index, opName);
        var shape = source.Shape;
        var outShape = perm.Select(p => (long)shape[p]).ToArray();
        var keepInt8 = (_options.KeepInt8Weights || _options.QuantizedActivations)
            && source.Type == TfliteTensorType.Int8 && source.Quantization is { } && source.Data is not null;
        if (!keepInt8)
        {
            return _b.Constant(Permute(values, shape, perm), outShape);
        }

        var q = source.Quantization!;
        var raw = source.Data!.Select(b => (float)(sbyte)b).ToArray();
        var permuted = Permute(raw, shape, perm);
        var bytes = new byte[permuted.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(sbyte)permuted[i];
        }

        var name = _b.UniqueName("weights_int8");
        _b.Graph.Initializer.Add(RawTensor(name, DataType.Int8, bytes, outShape));
        var axis = Array.IndexOf(perm, q.Axis);
        return DequantizeLinear(name, q, DataType.Int8, q.PerChannel ? axis : null);
    }

    private string Bias(int index, string opName)
    {
        var (values, source) = ConstantFloat(index, opName);
        if (_options.QuantizedActivations && source.Type == TfliteTensorType.Int32 && source.Quantization is { } q && source.Data is not null)
        {
            var name = _b.UniqueName("bias_int32");
            _b.Graph.Initializer.Add(RawTensor(name, DataType.Int32, source.Data[..(4 * values.Length)], values.Length));
            return DequantizeLinear(name, q with { ZeroPoints = new long[q.ZeroPoints.Length] }, DataType.Int32, q.PerChannel ? 0 : null);
        }

        return _b.Constant(values, values.Length);
    }

    private string DequantizeLinear(string quantized, TfliteQuantization q, DataType zeroType, int? axis)
    {
        var count = q.Scales.Length;
        long[] dims = q.PerChannel ? [count] : [];
        var scale = _b.Constant(q.PerChannel ? q.Scales : [q.Scales[0]], dims);
        var zero = _b.UniqueName("zero_point");
        _b.Graph.Initializer.Add(IntTensor(zero, zeroType, q.PerChannel ? q.ZeroPoints : [q.ZeroPoints[0]], dims));
        return axis is { } a
            ? _b.Apply("DequantizeLinear", [quantized, scale, zero], Attr("axis", (long)a))
            : _b.Apply("DequantizeLinear", [quantized, scale, zero]);
    }

    /// <summary>QuantizeLinear then DequantizeLinear with the tensor's own (per-tensor) parameters.</summary>
    /// <remarks>
    /// Activations are quantized as uint8 with the zero point moved up by 128 (the same grid: int8
    /// q maps to q + 128), because ONNX Runtime's CPU kernels fuse QDQ convolutions with uint8
    /// activations and int8 weights (u8s8); with int8 activations it fused 2 of the transformer's 42.
    /// </remarks>
    private string FakeQuantize(string value, TfliteTensor tensor)
    {
        var q = tensor.Quantization!;
        var zeroPoint = tensor.Type == TfliteTensorType.UInt8 ? q.ZeroPoints[0] : q.ZeroPoints[0] + 128;
        var scale = _b.Constant(q.Scales[0]);
        var zero = _b.UniqueName("zero_point");
        _b.Graph.Initializer.Add(IntTensor(zero, DataType.Uint8, [zeroPoint]));
        var quantized = _b.Apply("QuantizeLinear", [value, scale, zero]);
        return _b.Apply("DequantizeLinear", [quantized, scale, zero]);
    }

    private Value Activate(Value value, TfliteActivation activation, string opName) => activation switch
    {
        TfliteActivation.None => value,
        TfliteActivation.Relu => value with { Name = _b.Apply("Relu", [value.Name]) },
        TfliteActivation.Relu6 => value with { Name = _b.Apply("Clip", [value.Name, _b.Constant(0f), _b.Constant(6f)]) },
        TfliteActivation.ReluN1To1 => value with { Name = _b.Apply("Clip", [value.Name, _b.Constant(-1f), _b.Constant(1f)]) },
        TfliteActivation.Tanh => value with { Name = _b.Apply("Tanh", [value.Name]) },
        _ => throw new UserFacingException($"{opName} has the fused activation {activation}, which the importer does not convert"),
    };

    // ---- element-wise ------------------------------------------------------------------------

    /// <summary>A broadcasting binary op; constants are laid out to match the dynamic operand (NCHW, int64).</summary>
    private Value Binary(string onnxOp, TfliteOperator op)
    {
        var (a, b) = (op.Inputs[0], op.Inputs[1]);
        var da = IsDynamic(a) ? Dynamic(a, op.CodeName) : null;
        var db = IsDynamic(b) ? Dynamic(b, op.CodeName) : null;
        var reference = da ?? db ?? throw new UserFacingException($"{op.CodeName} of two constants is not supported");
        if (da is not null && db is not null && da.Nchw != db.Nchw && Math.Max(da.Rank, db.Rank) == 4)
        {
            throw new UserFacingException($"{op.CodeName} mixes a 4-D and a {Math.Min(da.Rank, db.Rank)}-D computed tensor, which the importer does not convert");
        }

        var na = da?.Name ?? ConstantLike(a, reference, op.CodeName);
        var nb = db?.Name ?? ConstantLike(b, reference, op.CodeName);
        var rank = Math.Max(da?.Rank ?? _model.Tensors[a].Shape.Length, db?.Rank ?? _model.Tensors[b].Shape.Length);
        return new Value(_b.Apply(onnxOp, [na, nb]), rank, reference.Nchw, reference.IsInt);
    }

    /// <summary>A constant operand, shaped to broadcast against <paramref name="reference"/> as it did in TFLite.</summary>
    private string ConstantLike(int index, Value reference, string opName)
    {
        var tensor = _model.Tensors[index];
        var shape = tensor.Shape;
        if (reference.IsInt)
        {
            return _b.Constant(TfliteConstants.ToInt64(tensor), [.. shape.Select(d => (long)d)]);
        }

        var (values, _) = ConstantFloat(index, opName);
        if (!reference.Nchw || shape.Length == 0)
        {
            return _b.Constant(values, [.. shape.Select(d => (long)d)]);
        }

        // Right-align to rank 4 (numpy broadcasting), then lay out NCHW.
        var full = Enumerable.Repeat(1, 4 - shape.Length).Concat(shape).ToArray();
        return _b.Constant(Permute(values, full, [0, 3, 1, 2]), full[0], full[3], full[1], full[2]);
    }

    private void Mean(TfliteOperator op)
    {
        var x = Dynamic(op.Inputs[0], op.CodeName);
        var axesTensor = _model.Tensors[op.Inputs[1]];
        if (!axesTensor.IsConstant)
        {
            throw new UserFacingException("MEAN over computed axes is not supported");
        }

        var axes = TfliteConstants.ToInt64(axesTensor).Select(a => (int)(a < 0 ? a + x.Rank : a)).Distinct().Order().ToArray();
        var onnxAxes = x.Nchw ? axes.Select(a => NhwcToNchwAxis[a]).Order().ToArray() : axes;
        var keep = op.Options.KeepDims;
        var y = _b.Apply("ReduceMean", [x.Name], Attr("axes", [.. onnxAxes.Select(a => (long)a)]), Attr("keepdims", keep ? 1L : 0L));
        if (keep || !x.Nchw)
        {
            Set(op, new Value(y, keep ? x.Rank : x.Rank - axes.Length, x.Nchw && keep, x.IsInt));
            return;
        }

        // Dropped dims: the remaining axes come out in NCHW order; put them back in NHWC order.
        var remaining = Enumerable.Range(0, 4).Where(a => !axes.Contains(a)).ToArray();
        var inOnnx = remaining.OrderBy(a => NhwcToNchwAxis[a]).ToArray();
        var perm = remaining.Select(a => (long)Array.IndexOf(inOnnx, a)).ToArray();
        if (!perm.SequenceEqual(Enumerable.Range(0, perm.Length).Select(i => (long)i)))
        {
            y = _b.Apply("Transpose", [y], Attr("perm", perm));
        }

        Set(op, new Value(y, remaining.Length, false, x.IsInt));
    }

    // ---- spatial -----------------------------------------------------------------------------

    private void MirrorPad(TfliteOperator op)
    {
        if (!op.Options.ReflectMode)
        {
            throw new UserFacingException("MIRROR_PAD in SYMMETRIC mode is not supported (ONNX Pad reflects without repeating the edge)");
        }

        var x = Dynamic(op.Inputs[0], op.CodeName);
        var padTensor = _model.Tensors[op.Inputs[1]];
        if (!padTensor.IsConstant)
        {
            throw new UserFacingException("MIRROR_PAD with computed paddings is not supported");
        }

        var p = TfliteConstants.ToInt64(padTensor); // [rank, 2]: before, after per NHWC axis
        var rank = x.Rank;
        var pads = new long[2 * rank];
        for (var axis = 0; axis < rank; axis++)
        {
            var onnxAxis = x.Nchw ? NhwcToNchwAxis[axis] : axis;
            pads[onnxAxis] = p[2 * axis];
            pads[rank + onnxAxis] = p[(2 * axis) + 1];
        }

        Set(op, x with { Name = _b.Apply("Pad", [x.Name, _b.Constant(pads, pads.Length)], Attr("mode", "reflect")) });
    }

    private void ResizeNearest(TfliteOperator op)
    {
        var o = op.Options;
        var x = Dynamic(op.Inputs[0], op.CodeName);
        if (!x.Nchw)
        {
            throw new UserFacingException("RESIZE_NEAREST_NEIGHBOR on a tensor that is not 4-D is not supported");
        }

        var attributes = new[]
        {
            Attr("mode", "nearest"),
            Attr("coordinate_transformation_mode", o.AlignCorners ? "align_corners" : o.HalfPixelCenters ? "tf_half_pixel_for_nn" : "asymmetric"),
            Attr("nearest_mode", o.AlignCorners ? "round_prefer_ceil" : "floor"),
        };
        var sizeIndex = op.Inputs[1];
        string y;
        if (!IsDynamic(sizeIndex))
        {
            // A constant size was fixed for the converter's input size: keep its ratio instead, so the
            // model runs at any size.
            var size = TfliteConstants.ToInt64(_model.Tensors[sizeIndex]);
            var inShape = _model.Tensors[op.Inputs[0]].Shape;
            if (size.Length != 2 || inShape.Length != 4 || inShape[1] <= 0 || inShape[2] <= 0)
            {
                throw new UserFacingException("RESIZE_NEAREST_NEIGHBOR needs a 2-value size and a 4-D input of known size");
            }

            float[] scales = [1f, 1f, (float)size[0] / inShape[1], (float)size[1] / inShape[2]];
            y = _b.Apply("Resize", [x.Name, "", _b.Constant(scales, 4)], attributes);
        }
        else
        {
            var size = Dynamic(sizeIndex, op.CodeName);
            var nc = _b.Apply("Slice", [_b.Apply("Shape", [x.Name]), _b.Constant([0L], 1), _b.Constant([2L], 1)]);
            var sizes = _b.Apply("Concat", [nc, size.Name], Attr("axis", 0L));
            y = _b.Apply("Resize", [x.Name, "", "", sizes], attributes);
        }

        Set(op, x with { Name = y });
    }

    // ---- quantization ------------------------------------------------------------------------

    private void Quantize(TfliteOperator op)
    {
        var x = Dynamic(op.Inputs[0], op.CodeName);
        var output = _model.Tensors[op.Outputs[0]];
        var name = _options.QuantizedActivations && output.Quantization is { PerChannel: false } ? FakeQuantize(x.Name, output) : x.Name;
        Set(op, x with { Name = name });
    }

    private void Dequantize(TfliteOperator op)
    {
        var input = _model.Tensors[op.Inputs[0]];
        if (input.IsConstant)
        {
            _folded[op.Outputs[0]] = new Folded(TfliteConstants.ToFloat(input), input);
            return;
        }

        // A computed int8 tensor is already held as (quantize-dequantized) float32.
        Set(op, Dynamic(op.Inputs[0], op.CodeName));
    }

    // ---- shape arithmetic ----------------------------------------------------------------------

    private void Shape(TfliteOperator op)
    {
        var x = Dynamic(op.Inputs[0], op.CodeName);
        var shape = _b.Apply("Shape", [x.Name]);
        if (x.Nchw)
        {
            shape = _b.Apply("Gather", [shape, _b.Constant([0L, 2L, 3L, 1L], 4)], Attr("axis", 0L));
        }

        Set(op, new Value(shape, 1, false, true));
    }

    private void StridedSlice(TfliteOperator op)
    {
        var o = op.Options;
        var x = Dynamic(op.Inputs[0], op.CodeName);
        if (x.Nchw)
        {
            throw new UserFacingException("STRIDED_SLICE of an image tensor is not supported");
        }

        if (o.EllipsisMask != 0 || o.NewAxisMask != 0)
        {
            throw new UserFacingException("STRIDED_SLICE with an ellipsis or new-axis mask is not supported");
        }

        long[] Const(int i) => _model.Tensors[op.Inputs[i]].IsConstant
            ? TfliteConstants.ToInt64(_model.Tensors[op.Inputs[i]])
            : throw new UserFacingException("STRIDED_SLICE with computed bounds is not supported");
        var (begin, end, strides) = (Const(1), Const(2), Const(3));
        var n = begin.Length;
        var starts = new long[n];
        var ends = new long[n];
        var shrink = new List<long>();
        for (var i = 0; i < n; i++)
        {
            var step = strides[i];
            starts[i] = (o.BeginMask & (1 << i)) != 0 ? (step > 0 ? 0 : long.MaxValue) : begin[i];
            ends[i] = (o.EndMask & (1 << i)) != 0 ? (step > 0 ? long.MaxValue : long.MinValue) : end[i];
            if ((o.ShrinkAxisMask & (1 << i)) != 0)
            {
                ends[i] = starts[i] == -1 ? long.MaxValue : starts[i] + 1;
                shrink.Add(i);
            }
        }

        var axes = Enumerable.Range(0, n).Select(i => (long)i).ToArray();
        var y = _b.Apply("Slice", [x.Name, _b.Constant(starts, n), _b.Constant(ends, n), _b.Constant(axes, n), _b.Constant(strides, n)]);
        if (shrink.Count > 0)
        {
            y = _b.Apply("Squeeze", [y, _b.Constant([.. shrink], shrink.Count)]);
        }

        Set(op, new Value(y, x.Rank - shrink.Count, false, x.IsInt));
    }

    private void Pack(TfliteOperator op)
    {
        var axis = op.Options.Axis;
        var parts = new List<string>();
        var isInt = false;
        var rank = 0;
        foreach (var index in op.Inputs)
        {
            string name;
            if (IsDynamic(index))
            {
                var v = Dynamic(index, op.CodeName);
                if (v.Nchw)
                {
                    throw new UserFacingException("PACK of image tensors is not supported");
                }

                (name, isInt, rank) = (v.Name, v.IsInt, v.Rank);
            }
            else
            {
                var t = _model.Tensors[index];
                isInt = t.Type is TfliteTensorType.Int32 or TfliteTensorType.Int64;
                rank = t.Shape.Length;
                name = isInt
                    ? _b.Constant(TfliteConstants.ToInt64(t), [.. t.Shape.Select(d => (long)d)])
                    : _b.Constant(TfliteConstants.ToFloat(t), [.. t.Shape.Select(d => (long)d)]);
            }

            var a = axis < 0 ? axis + rank + 1 : axis;
            parts.Add(_b.Apply("Unsqueeze", [name, _b.Constant([(long)a], 1)]));
        }

        var packAxis = axis < 0 ? axis + rank + 1 : axis;
        Set(op, new Value(_b.Apply("Concat", parts, Attr("axis", (long)packAxis)), rank + 1, false, isInt));
    }

    // ---- helpers -------------------------------------------------------------------------------

    private bool IsDynamic(int index) => _values.ContainsKey(index) || (!_folded.ContainsKey(index) && !_model.Tensors[index].IsConstant);

    private Value Dynamic(int index, string opName)
    {
        if (index < 0 || !_values.TryGetValue(index, out var value))
        {
            var name = index < 0 ? "an omitted input" : $"tensor '{_model.Tensors[index].Name}'";
            throw new UserFacingException($"{opName} reads {name}, which no earlier operator computes");
        }

        return value;
    }

    /// <summary>The real values of a constant input (stored, or a folded DEQUANTIZE) and the tensor holding them.</summary>
    private (float[] Values, TfliteTensor Source) ConstantFloat(int index, string opName)
    {
        if (_folded.TryGetValue(index, out var folded))
        {
            return (folded.Values, folded.Source);
        }

        var tensor = _model.Tensors[index];
        if (!tensor.IsConstant)
        {
            throw new UserFacingException($"{opName} needs '{tensor.Name}' to be a constant");
        }

        return (TfliteConstants.ToFloat(tensor), tensor);
    }

    /// <summary>Transposes a row-major tensor of <paramref name="shape"/>: output dim i is input dim perm[i].</summary>
    internal static float[] Permute(float[] values, int[] shape, int[] perm)
    {
        var rank = shape.Length;
        var outShape = perm.Select(p => shape[p]).ToArray();
        var inStrides = new int[rank];
        var stride = 1;
        for (var d = rank - 1; d >= 0; d--)
        {
            inStrides[d] = stride;
            stride *= shape[d];
        }

        var result = new float[values.Length];
        var index = new int[rank];
        for (var i = 0; i < result.Length; i++)
        {
            var source = 0;
            for (var d = 0; d < rank; d++)
            {
                source += index[d] * inStrides[perm[d]];
            }

            result[i] = values[source];
            for (var d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < outShape[d])
                {
                    break;
                }

                index[d] = 0;
            }
        }

        return result;
    }

    private static TensorProto RawTensor(string name, DataType type, byte[] bytes, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static TensorProto IntTensor(string name, DataType type, long[] values, params long[] dims)
    {
        var size = type == DataType.Int32 ? 4 : 1;
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            if (size == 4)
            {
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), checked((int)values[i]));
            }
            else
            {
                bytes[i] = type == DataType.Uint8 ? checked((byte)values[i]) : (byte)checked((sbyte)values[i]);
            }
        }

        return RawTensor(name, type, bytes, dims);
    }

    internal static string Describe(int[] shape) => "[" + string.Join(",", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
