using System.Buffers.Binary;
using System.Globalization;
using VideoStyler.Models.Onnx.Proto;
using AttributeType = VideoStyler.Models.Onnx.Proto.AttributeProto.Types.AttributeType;
using DataType = VideoStyler.Models.Onnx.Proto.TensorProto.Types.DataType;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// Makes image-to-image models that were exported with a fixed input size (for example the
/// Johnson fast-neural-style models at 720x720) accept other sizes.
/// <para>
/// Spatial sizes are propagated through the graph at the native size with a small shape
/// calculator that knows the ops of fully convolutional networks. Everything that bakes the
/// native size into the graph is then replaced by a size-independent equivalent:
/// ConvTranspose <c>output_shape</c> becomes the <c>output_padding</c> that gives the same output at
/// the native size; a Crop <c>scale</c> becomes the equivalent right/bottom <c>border</c>; stale
/// value_info shapes of spatial tensors are dropped; input/output H and W become symbolic.
/// Graphs that reshape, flatten or otherwise depend on the exact size are refused.
/// </para>
/// <para>
/// Finally the size multiple the network needs (e.g. 4 for two stride-2 downsamplings followed
/// by two stride-2 upsamplings) is found by checking, with the same shape calculator, which
/// multiples give output size == input size at several sizes. Callers pad frames to that multiple.
/// </para>
/// </summary>
internal static class FixedDimsRewriter
{
    public const string HeightSymbol = "height";
    public const string WidthSymbol = "width";
    public const string SizeMultipleMetadataKey = "videostyler.size_multiple";
    public const string NativeSizeMetadataKey = "videostyler.native_size";

    private static readonly int[] CandidateMultiples = [1, 2, 4, 8, 16, 32, 64, 128, 256];
    private static readonly double[] SampleScales = [0.5, 0.75, 1.0, 1.35];

    private static readonly HashSet<string> ShapePreservingOps = new(StringComparer.Ordinal)
    {
        "Abs", "Affine", "BatchNormalization", "Cast", "Ceil", "Celu", "Clip", "Cos", "Dropout", "Elu", "Erf",
        "Exp", "Floor", "Gelu", "HardSigmoid", "HardSwish", "Identity", "ImageScaler", "InstanceNormalization",
        "IsNaN", "LRN", "LeakyRelu", "Log", "LogSoftmax", "LpNormalization", "MeanVarianceNormalization", "Mish",
        "Neg", "Not", "ParametricSoftplus", "Reciprocal", "Relu", "Round", "ScaledTanh", "Selu", "Shrink",
        "Sigmoid", "Sign", "Sin", "Softmax", "Softplus", "Softsign", "Sqrt", "Tanh", "ThresholdedRelu",
    };

    private static readonly HashSet<string> BroadcastOps = new(StringComparer.Ordinal)
    {
        "Add", "And", "Div", "Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Max", "Mean", "Min",
        "Mod", "Mul", "Or", "PRelu", "Pow", "Sub", "Sum", "Where", "Xor",
    };

    /// <summary>
    /// Rewrites <paramref name="model"/> in place so that its image input and output have symbolic
    /// height/width. On failure the model is left untouched and the result says why.
    /// </summary>
    public static RewriteResult TryMakeSpatialDimsSymbolic(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        if (graph is null)
        {
            return RewriteResult.Failure("The model has no graph.");
        }

        var initializerNames = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var imageInputs = graph.Input.Where(i => !initializerNames.Contains(i.Name)).ToList();
        if (imageInputs.Count != 1)
        {
            return RewriteResult.Failure($"Expected exactly one image input, found {imageInputs.Count}.");
        }

        var input = imageInputs[0];
        var dims = input.Type?.TensorType?.Shape?.Dim;
        if (dims is null || dims.Count != 4)
        {
            return RewriteResult.Failure($"Input '{input.Name}' is not a 4-D NCHW tensor.");
        }

        var heightFixed = IsFixed(dims[2]);
        var widthFixed = IsFixed(dims[3]);
        if (!heightFixed && !widthFixed)
        {
            // Already size-agnostic as far as the declared shapes go; still report the multiple.
            var probe = FindSizeMultiple(graph, input.Name, 512, 512, out var probeError);
            return probe > 0
                ? new RewriteResult(true, false, probe, null, null, null, ["input height/width are already symbolic"])
                : RewriteResult.Failure(probeError ?? "No size multiple works.");
        }

        if (heightFixed != widthFixed)
        {
            return RewriteResult.Failure("Only one of the input's spatial dims is fixed.");
        }

        var nativeHeight = dims[2].DimValue;
        var nativeWidth = dims[3].DimValue;
        RewriteResult Fail(string reason) => RewriteResult.Failure(reason, nativeHeight, nativeWidth);

        var native = Propagate(graph, input.Name, nativeHeight, nativeWidth, out var error);
        if (native is null)
        {
            return Fail($"At the native size {nativeHeight}x{nativeWidth}: {error}");
        }

        var rewritten = graph.Clone();
        var changes = new List<string>();
        var constants = CollectConstants(rewritten);
        foreach (var node in rewritten.Node)
        {
            if (!node.Input.Any(native.ContainsKey))
            {
                continue;
            }

            var note = node.OpType switch
            {
                "ConvTranspose" => RewriteConvTranspose(node, native[node.Input[0]], constants, out error),
                "Crop" => RewriteCrop(node, native[node.Input[0]], out error),
                "Resize" when node.Input.Count > 3 && node.Input[3].Length > 0 =>
                    Refuse($"Resize '{Describe(node)}' has fixed output sizes.", out error),
                _ => NoChange(out error),
            };
            if (error is not null)
            {
                return Fail(error);
            }

            if (note is not null)
            {
                changes.Add(note);
            }
        }

        var staleShapes = rewritten.ValueInfo.Where(v => native.ContainsKey(v.Name)).ToList();
        foreach (var stale in staleShapes)
        {
            rewritten.ValueInfo.Remove(stale);
        }

        if (staleShapes.Count > 0)
        {
            changes.Add($"removed {staleShapes.Count} value_info shape(s) of spatial tensors");
        }

        var newInput = rewritten.Input.First(i => i.Name == input.Name);
        SetSpatialSymbols(newInput, HeightSymbol, WidthSymbol);
        changes.Add($"input '{input.Name}' height/width {nativeHeight}x{nativeWidth} -> {HeightSymbol}x{WidthSymbol}");

        foreach (var output in rewritten.Output)
        {
            if (!native.TryGetValue(output.Name, out var outSize))
            {
                return Fail($"Graph output '{output.Name}' is not an image computed from the input.");
            }

            var sameSize = outSize == (nativeHeight, nativeWidth);
            SetSpatialSymbols(output, sameSize ? HeightSymbol : "out_" + HeightSymbol, sameSize ? WidthSymbol : "out_" + WidthSymbol);
            changes.Add($"output '{output.Name}' height/width made symbolic");
        }

        // The rewritten graph must behave exactly as the original at the native size.
        var check = Propagate(rewritten, input.Name, nativeHeight, nativeWidth, out error);
        if (check is null)
        {
            return Fail($"The rewritten graph fails at the native size: {error}");
        }

        foreach (var output in rewritten.Output)
        {
            if (check[output.Name] != native[output.Name])
            {
                return Fail($"The rewritten graph changes output '{output.Name}' at the native size.");
            }
        }

        var multiple = FindSizeMultiple(rewritten, input.Name, nativeHeight, nativeWidth, out error);
        if (multiple == 0)
        {
            return Fail(error ?? "No size multiple keeps the output size equal to the input size.");
        }

        model.Graph = rewritten;
        SetMetadata(model, SizeMultipleMetadataKey, multiple.ToString(CultureInfo.InvariantCulture));
        SetMetadata(model, NativeSizeMetadataKey, string.Create(CultureInfo.InvariantCulture, $"{nativeHeight}x{nativeWidth}"));
        return new RewriteResult(true, true, multiple, null, nativeHeight, nativeWidth, changes);
    }

    /// <summary>
    /// Computes the spatial size (H, W) of every tensor that depends on the image input when the input
    /// is <paramref name="height"/> x <paramref name="width"/>, following ONNX Runtime's shape rules.
    /// Returns null (and an error) when the graph cannot run at that size or uses an unsupported op.
    /// </summary>
    internal static Dictionary<string, (long H, long W)>? Propagate(
        GraphProto graph,
        string inputName,
        long height,
        long width,
        out string? error)
    {
        var sizes = new Dictionary<string, (long H, long W)>(StringComparer.Ordinal) { [inputName] = (height, width) };
        var constants = CollectConstants(graph);
        foreach (var node in graph.Node)
        {
            var spatialInputs = node.Input.Where(sizes.ContainsKey).ToList();
            if (spatialInputs.Count == 0)
            {
                continue;
            }

            var size = InferNode(node, spatialInputs, sizes, constants, out var spatialOutput, out error);
            if (error is not null)
            {
                error = $"{Describe(node)}: {error}";
                return null;
            }

            if (!spatialOutput)
            {
                continue;
            }

            if (size.H < 1 || size.W < 1)
            {
                error = $"{Describe(node)}: output would be {size.H}x{size.W}.";
                return null;
            }

            foreach (var output in node.Output.Where(o => o.Length > 0))
            {
                sizes[output] = size;
            }
        }

        error = null;
        return sizes;
    }

    /// <summary>
    /// The smallest multiple m such that, at several sizes that are multiples of m, the graph runs
    /// and every output keeps the input's size (or the native output/input ratio). 0 if none.
    /// </summary>
    internal static int FindSizeMultiple(GraphProto graph, string inputName, long referenceHeight, long referenceWidth, out string? error)
    {
        var reference = Propagate(graph, inputName, referenceHeight, referenceWidth, out error);
        if (reference is null)
        {
            return 0;
        }

        var outputs = graph.Output.Select(o => o.Name).ToList();
        if (outputs.Any(o => !reference.ContainsKey(o)))
        {
            error = "A graph output does not depend on the image input.";
            return 0;
        }

        foreach (var multiple in CandidateMultiples)
        {
            var works = true;
            foreach (var (h, w) in SampleSizes(referenceHeight, referenceWidth, multiple))
            {
                var sizes = Propagate(graph, inputName, h, w, out _);
                works = sizes is not null && outputs.All(o =>
                    sizes[o].H * referenceHeight == h * reference[o].H &&
                    sizes[o].W * referenceWidth == w * reference[o].W);
                if (!works)
                {
                    break;
                }
            }

            if (works)
            {
                error = null;
                return multiple;
            }
        }

        error = $"No size multiple up to {CandidateMultiples[^1]} keeps the output size proportional to the input size.";
        return 0;
    }

    private static IEnumerable<(long H, long W)> SampleSizes(long height, long width, int multiple)
    {
        foreach (var scale in SampleScales)
        {
            var h = Math.Max(multiple, (long)Math.Round(height * scale / multiple) * multiple);
            var w = Math.Max(multiple, (long)Math.Round(width * scale / multiple) * multiple);
            yield return (h, w);
            yield return (h + multiple, w);
            yield return (h, w + multiple);
        }
    }

    private static (long H, long W) InferNode(
        NodeProto node,
        List<string> spatialInputs,
        Dictionary<string, (long H, long W)> sizes,
        Dictionary<string, TensorProto> constants,
        out bool spatialOutput,
        out string? error)
    {
        spatialOutput = true;
        error = null;
        var op = node.OpType;
        var first = sizes[spatialInputs[0]];
        if (node.Domain is not ("" or "ai.onnx"))
        {
            error = $"op domain '{node.Domain}' is not supported.";
            return default;
        }

        if (ShapePreservingOps.Contains(op))
        {
            return first;
        }

        if (BroadcastOps.Contains(op) || op == "Concat")
        {
            if (op == "Concat")
            {
                var axis = GetInt(node, "axis", 1);
                if (axis is 2 or 3 or -1 or -2)
                {
                    error = "concatenation along a spatial axis.";
                    return default;
                }
            }

            foreach (var other in spatialInputs.Skip(1))
            {
                if (sizes[other] != first)
                {
                    error = $"inputs of different sizes ({first.H}x{first.W} and {sizes[other].H}x{sizes[other].W}).";
                    return default;
                }
            }

            foreach (var name in node.Input.Where(n => n.Length > 0 && !sizes.ContainsKey(n)))
            {
                if (constants.TryGetValue(name, out var constant) && BakesSpatialSize(constant))
                {
                    error = $"constant '{name}' has a fixed spatial size [{string.Join(",", constant.Dims)}].";
                    return default;
                }
            }

            return first;
        }

        switch (op)
        {
            case "Conv":
            case "MaxPool":
            case "AveragePool":
            case "LpPool":
                return Window(node, first, constants, out error);
            case "ConvTranspose":
                return TransposedWindow(node, first, constants, out error);
            case "Pad":
                return PadSize(node, first, constants, out error);
            case "Crop":
                return CropSize(node, first, out error);
            case "Upsample":
            case "Resize":
                return ResizeSize(node, first, constants, out error);
            case "DepthToSpace":
                var up = GetInt(node, "blocksize", 1);
                return (first.H * up, first.W * up);
            case "SpaceToDepth":
                var down = GetInt(node, "blocksize", 1);
                if (first.H % down != 0 || first.W % down != 0)
                {
                    error = $"{first.H}x{first.W} is not divisible by the block size {down}.";
                }

                return (first.H / down, first.W / down);
            case "GlobalAveragePool":
            case "GlobalMaxPool":
            case "GlobalLpPool":
                spatialOutput = false;
                return default;
            case "Transpose":
                var perm = GetInts(node, "perm");
                if (perm is not [_, _, 2, 3])
                {
                    error = "transpose moves the spatial axes.";
                }

                return first;
            case "Slice":
                return SliceSize(node, first, constants, out error);
            case "ArgMax":
            case "ArgMin":
            case "ReduceL1":
            case "ReduceL2":
            case "ReduceLogSum":
            case "ReduceLogSumExp":
            case "ReduceMax":
            case "ReduceMean":
            case "ReduceMin":
            case "ReduceProd":
            case "ReduceSum":
            case "ReduceSumSquare":
                var reduced = ReducedAxes(node, constants);
                if (reduced is null || reduced.Any(a => a is 2 or 3 or -1 or -2))
                {
                    // Reducing over H/W (or every axis) gives a size-independent result.
                    spatialOutput = false;
                }

                return first;
            case "Split":
                if (GetInt(node, "axis", 0) is 2 or 3 or -1 or -2)
                {
                    error = "split along a spatial axis.";
                }

                return first;
            default:
                error = $"op '{op}' on an image-sized tensor is not supported (the graph may depend on the exact size).";
                return default;
        }
    }

    private static (long H, long W) Window(NodeProto node, (long H, long W) input, Dictionary<string, TensorProto> constants, out string? error)
    {
        error = null;
        var kernel = KernelShape(node, constants);
        if (kernel is null)
        {
            error = "kernel shape unknown.";
            return default;
        }

        var strides = GetInts(node, "strides") ?? [1, 1];
        var dilations = GetInts(node, "dilations") ?? [1, 1];
        var pads = GetInts(node, "pads") ?? [0, 0, 0, 0];
        var autoPad = GetString(node, "auto_pad") ?? "NOTSET";
        var ceil = GetInt(node, "ceil_mode", 0) != 0;
        long Axis(long size, int i)
        {
            if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                return (size + strides[i] - 1) / strides[i];
            }

            var span = ((kernel[i] - 1) * dilations[i]) + 1;
            var padded = autoPad == "VALID" ? size : size + pads[i] + pads[i + 2];
            var reach = padded - span;
            if (reach < 0)
            {
                return 0;
            }

            return (ceil ? (reach + strides[i] - 1) / strides[i] : reach / strides[i]) + 1;
        }

        return (Axis(input.H, 0), Axis(input.W, 1));
    }

    private static (long H, long W) TransposedWindow(NodeProto node, (long H, long W) input, Dictionary<string, TensorProto> constants, out string? error)
    {
        error = null;
        var outputShape = GetInts(node, "output_shape");
        if (outputShape is { Length: >= 2 })
        {
            return (outputShape[^2], outputShape[^1]);
        }

        var kernel = KernelShape(node, constants);
        if (kernel is null)
        {
            error = "kernel shape unknown.";
            return default;
        }

        var strides = GetInts(node, "strides") ?? [1, 1];
        var dilations = GetInts(node, "dilations") ?? [1, 1];
        var pads = GetInts(node, "pads") ?? [0, 0, 0, 0];
        var outputPadding = GetInts(node, "output_padding") ?? [0, 0];
        var autoPad = GetString(node, "auto_pad") ?? "NOTSET";
        long Axis(long size, int i)
        {
            if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                return size * strides[i];
            }

            var padding = autoPad == "VALID" ? 0 : pads[i] + pads[i + 2];
            return (strides[i] * (size - 1)) + outputPadding[i] + ((kernel[i] - 1) * dilations[i]) + 1 - padding;
        }

        return (Axis(input.H, 0), Axis(input.W, 1));
    }

    private static (long H, long W) PadSize(NodeProto node, (long H, long W) input, Dictionary<string, TensorProto> constants, out string? error)
    {
        error = null;
        var pads = GetInts(node, "pads") ?? GetInts(node, "paddings");
        if (pads is null && node.Input.Count > 1 && constants.TryGetValue(node.Input[1], out var padTensor))
        {
            pads = ReadInt64s(padTensor);
        }

        if (node.Input.Count > 3 && node.Input[3].Length > 0)
        {
            error = "Pad with an axes input is not supported.";
            return default;
        }

        if (pads is not { Length: 8 })
        {
            error = "pads are not a constant of length 8.";
            return default;
        }

        var mode = GetString(node, "mode") ?? "constant";
        if (mode == "reflect" && (Math.Max(pads[2], pads[6]) >= input.H || Math.Max(pads[3], pads[7]) >= input.W))
        {
            error = $"{input.H}x{input.W} is too small for reflect padding of [{string.Join(",", pads)}].";
            return default;
        }

        return (input.H + pads[2] + pads[6], input.W + pads[3] + pads[7]);
    }

    private static (long H, long W) SliceSize(NodeProto node, (long H, long W) input, Dictionary<string, TensorProto> constants, out string? error)
    {
        error = null;
        long[]? Operand(int index, string attribute)
        {
            if (GetInts(node, attribute) is { } values)
            {
                return values;
            }

            return node.Input.Count > index && constants.TryGetValue(node.Input[index], out var tensor) ? ReadInt64s(tensor) : null;
        }

        var starts = Operand(1, "starts");
        var ends = Operand(2, "ends");
        if (starts is null || ends is null || starts.Length != ends.Length)
        {
            error = "slice bounds are not constant.";
            return default;
        }

        var axes = Operand(3, "axes") ?? [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
        var steps = (node.Input.Count > 4 && constants.TryGetValue(node.Input[4], out var stepTensor) ? ReadInt64s(stepTensor) : null)
            ?? [.. starts.Select(_ => 1L)];
        var result = input;
        for (var i = 0; i < axes.Length; i++)
        {
            var axis = axes[i] < 0 ? axes[i] + 4 : axes[i];
            if (axis is not (2 or 3))
            {
                continue;
            }

            var length = SliceLength(axis == 2 ? input.H : input.W, starts[i], ends[i], steps[i]);
            result = axis == 2 ? (length, result.W) : (result.H, length);
        }

        return result;
    }

    private static long SliceLength(long size, long start, long end, long step)
    {
        if (step == 0)
        {
            return 0;
        }

        start = start < 0 ? start + size : start;
        end = end < 0 ? end + size : end;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, size);
            end = Math.Clamp(end, 0, size);
            return Math.Max(0, (end - start + step - 1) / step);
        }

        start = Math.Clamp(start, 0, size - 1);
        end = Math.Clamp(end, -1, size - 1);
        return Math.Max(0, (start - end + (-step) - 1) / -step);
    }

    private static long[]? ReducedAxes(NodeProto node, Dictionary<string, TensorProto> constants)
    {
        if (node.OpType is "ArgMax" or "ArgMin")
        {
            return [GetInt(node, "axis", 0)];
        }

        if (GetInts(node, "axes") is { } axes)
        {
            return axes;
        }

        return node.Input.Count > 1 && constants.TryGetValue(node.Input[1], out var tensor) ? ReadInt64s(tensor) : null;
    }

    private static (long H, long W) CropSize(NodeProto node, (long H, long W) input, out string? error)
    {
        error = null;
        var border = GetInts(node, "border");
        if (border is not { Length: 4 })
        {
            error = "Crop needs a border of 4 values.";
            return default;
        }

        // ONNX Runtime's Crop: border = [left, top, right, bottom]; scale = [height, width] overrides right/bottom.
        var scale = GetInts(node, "scale");
        if (scale is { Length: 2 })
        {
            if (border[1] + scale[0] > input.H || border[0] + scale[1] > input.W)
            {
                error = $"{input.H}x{input.W} is too small for crop scale [{scale[0]},{scale[1]}].";
                return default;
            }

            return (scale[0], scale[1]);
        }

        return (input.H - border[1] - border[3], input.W - border[0] - border[2]);
    }

    private static (long H, long W) ResizeSize(NodeProto node, (long H, long W) input, Dictionary<string, TensorProto> constants, out string? error)
    {
        error = null;
        float[]? scales = null;
        if (node.OpType == "Upsample")
        {
            scales = GetFloats(node, "scales");
            if (scales is null && node.Input.Count > 1 && constants.TryGetValue(node.Input[1], out var tensor))
            {
                scales = ReadFloats(tensor);
            }
        }
        else
        {
            if (node.Input.Count > 3 && node.Input[3].Length > 0)
            {
                if (constants.TryGetValue(node.Input[3], out var sizesTensor) && ReadInt64s(sizesTensor) is { Length: 4 } fixedSizes)
                {
                    return (fixedSizes[2], fixedSizes[3]);
                }

                error = "Resize sizes are not constant.";
                return default;
            }

            var scalesName = node.Input.Count == 2 ? node.Input[1] : node.Input.Count > 2 ? node.Input[2] : "";
            if (constants.TryGetValue(scalesName, out var tensor))
            {
                scales = ReadFloats(tensor);
            }
        }

        if (scales is not { Length: 4 })
        {
            error = "resize scales are not a constant of length 4.";
            return default;
        }

        return ((long)Math.Floor(input.H * (double)scales[2]), (long)Math.Floor(input.W * (double)scales[3]));
    }

    private static string? RewriteConvTranspose(NodeProto node, (long H, long W) input, Dictionary<string, TensorProto> constants, out string? error)
    {
        error = null;
        var outputShape = GetInts(node, "output_shape");
        if (outputShape is null)
        {
            return null;
        }

        if (outputShape.Length < 2)
        {
            error = $"{Describe(node)}: output_shape has {outputShape.Length} values.";
            return null;
        }

        var target = (H: outputShape[^2], W: outputShape[^1]);
        var strides = GetInts(node, "strides") ?? [1, 1];
        var autoPad = GetString(node, "auto_pad") ?? "NOTSET";
        var note = $"{Describe(node)}: removed output_shape [{string.Join(",", outputShape)}]";
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            if (target != (input.H * strides[0], input.W * strides[1]))
            {
                error = $"{Describe(node)}: output_shape does not match input*stride with auto_pad {autoPad}.";
                return null;
            }

            RemoveAttribute(node, "output_shape");
            return note;
        }

        var kernel = KernelShape(node, constants);
        var dilations = GetInts(node, "dilations") ?? [1, 1];
        if (kernel is null)
        {
            error = $"{Describe(node)}: kernel shape unknown.";
            return null;
        }

        if ((GetInts(node, "pads") ?? []).Any(p => p != 0) || (GetInts(node, "output_padding") ?? []).Any(p => p != 0))
        {
            error = $"{Describe(node)}: output_shape together with pads/output_padding is not supported.";
            return null;
        }

        var extra = new long[2];
        var inputs = new[] { input.H, input.W };
        var targets = new[] { target.H, target.W };
        for (var i = 0; i < 2; i++)
        {
            var natural = (strides[i] * (inputs[i] - 1)) + ((kernel[i] - 1) * dilations[i]) + 1;
            extra[i] = targets[i] - natural;
            if (extra[i] < 0 || extra[i] >= Math.Max(strides[i], dilations[i]))
            {
                error = $"{Describe(node)}: output_shape {targets[i]} cannot be expressed as output_padding (natural size {natural}, stride {strides[i]}).";
                return null;
            }
        }

        RemoveAttribute(node, "output_shape");
        RemoveAttribute(node, "output_padding");
        node.Attribute.Add(OnnxGraphBuilder.Attr("output_padding", extra));
        return $"{note}, set output_padding [{extra[0]},{extra[1]}]";
    }

    private static string? RewriteCrop(NodeProto node, (long H, long W) input, out string? error)
    {
        error = null;
        var scale = GetInts(node, "scale");
        var border = GetInts(node, "border");
        if (scale is null)
        {
            return null;
        }

        if (scale.Length != 2 || border is not { Length: 4 })
        {
            error = $"{Describe(node)}: unexpected Crop attributes.";
            return null;
        }

        var right = input.W - border[0] - scale[1];
        var bottom = input.H - border[1] - scale[0];
        if (right < 0 || bottom < 0)
        {
            error = $"{Describe(node)}: crop scale larger than its input.";
            return null;
        }

        long[] newBorder = [border[0], border[1], right, bottom];
        RemoveAttribute(node, "scale");
        RemoveAttribute(node, "border");
        node.Attribute.Add(OnnxGraphBuilder.Attr("border", newBorder));
        return $"{Describe(node)}: scale [{scale[0]},{scale[1]}] -> border [{string.Join(",", newBorder)}]";
    }

    private static string? Refuse(string reason, out string? error)
    {
        error = reason;
        return null;
    }

    private static string? NoChange(out string? error)
    {
        error = null;
        return null;
    }

    private static bool IsFixed(TensorShapeProto.Types.Dimension dim) =>
        dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dim.DimValue > 0;

    private static bool BakesSpatialSize(TensorProto constant) =>
        constant.Dims.Count >= 3 && (constant.Dims[^1] > 1 || constant.Dims[^2] > 1);

    private static void SetSpatialSymbols(ValueInfoProto value, string height, string width)
    {
        var dims = value.Type?.TensorType?.Shape?.Dim;
        if (dims is not { Count: 4 })
        {
            return;
        }

        dims[2] = new TensorShapeProto.Types.Dimension { DimParam = height };
        dims[3] = new TensorShapeProto.Types.Dimension { DimParam = width };
    }

    private static void SetMetadata(ModelProto model, string key, string value)
    {
        var existing = model.MetadataProps.FirstOrDefault(e => e.Key == key);
        if (existing is not null)
        {
            existing.Value = value;
        }
        else
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
    }

    private static Dictionary<string, TensorProto> CollectConstants(GraphProto graph)
    {
        var constants = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var initializer in graph.Initializer)
        {
            constants[initializer.Name] = initializer;
        }

        foreach (var node in graph.Node.Where(n => n.OpType == "Constant" && n.Output.Count == 1))
        {
            if (node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } value)
            {
                constants[node.Output[0]] = value;
            }
        }

        return constants;
    }

    private static long[]? KernelShape(NodeProto node, Dictionary<string, TensorProto> constants)
    {
        if (GetInts(node, "kernel_shape") is { Length: 2 } kernel)
        {
            return kernel;
        }

        if (node.OpType is "Conv" or "ConvTranspose" && node.Input.Count > 1 &&
            constants.TryGetValue(node.Input[1], out var weights) && weights.Dims.Count == 4)
        {
            return [weights.Dims[2], weights.Dims[3]];
        }

        return null;
    }

    private static string Describe(NodeProto node) =>
        node.Name.Length > 0 ? $"{node.OpType} '{node.Name}'" : $"{node.OpType} -> '{node.Output.FirstOrDefault()}'";

    private static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    private static long GetInt(NodeProto node, string name, long fallback) =>
        Find(node, name) is { Type: AttributeType.Int } attribute ? attribute.I : fallback;

    private static long[]? GetInts(NodeProto node, string name) =>
        Find(node, name) is { Type: AttributeType.Ints } attribute ? [.. attribute.Ints] : null;

    private static float[]? GetFloats(NodeProto node, string name) =>
        Find(node, name) is { Type: AttributeType.Floats } attribute ? [.. attribute.Floats] : null;

    private static string? GetString(NodeProto node, string name) =>
        Find(node, name) is { Type: AttributeType.String } attribute ? attribute.S.ToStringUtf8() : null;

    private static void RemoveAttribute(NodeProto node, string name)
    {
        var attribute = Find(node, name);
        if (attribute is not null)
        {
            node.Attribute.Remove(attribute);
        }
    }

    private static long[]? ReadInt64s(TensorProto tensor)
    {
        switch ((DataType)tensor.DataType)
        {
            case DataType.Int64 when tensor.Int64Data.Count > 0:
                return [.. tensor.Int64Data];
            case DataType.Int64:
                var raw = tensor.RawData.Span;
                var longs = new long[raw.Length / sizeof(long)];
                for (var i = 0; i < longs.Length; i++)
                {
                    longs[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(i * sizeof(long))..]);
                }

                return longs;
            case DataType.Int32 when tensor.Int32Data.Count > 0:
                return [.. tensor.Int32Data.Select(v => (long)v)];
            case DataType.Int32:
                var rawInts = tensor.RawData.Span;
                var ints = new long[rawInts.Length / sizeof(int)];
                for (var i = 0; i < ints.Length; i++)
                {
                    ints[i] = BinaryPrimitives.ReadInt32LittleEndian(rawInts[(i * sizeof(int))..]);
                }

                return ints;
            default:
                return null;
        }
    }

    private static float[]? ReadFloats(TensorProto tensor)
    {
        if ((DataType)tensor.DataType != DataType.Float)
        {
            return null;
        }

        if (tensor.FloatData.Count > 0)
        {
            return [.. tensor.FloatData];
        }

        var raw = tensor.RawData.Span;
        var floats = new float[raw.Length / sizeof(float)];
        for (var i = 0; i < floats.Length; i++)
        {
            floats[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
        }

        return floats;
    }
}
