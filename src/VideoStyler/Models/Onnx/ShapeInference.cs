using VideoStyler.Models.Onnx.Proto;
using static VideoStyler.Models.Onnx.OnnxProtoAccess;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// A small spatial shape calculator for fully convolutional image networks: propagates the (H, W) of
/// every tensor that depends on the image input through the graph, following ONNX Runtime's shape
/// rules for the ops such networks use, and refuses ops whose result would depend on the exact size.
/// </summary>
internal static class ShapeInference
{
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

    private static bool BakesSpatialSize(TensorProto constant) =>
        constant.Dims.Count >= 3 && (constant.Dims[^1] > 1 || constant.Dims[^2] > 1);

    internal static long[]? KernelShape(NodeProto node, Dictionary<string, TensorProto> constants)
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
}
