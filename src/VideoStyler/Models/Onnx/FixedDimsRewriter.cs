using System.Globalization;
using VideoStyler.Models.Onnx.Proto;
using static VideoStyler.Models.Onnx.OnnxProtoAccess;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// Makes image-to-image models that were exported with a fixed input size (for example the
/// Johnson fast-neural-style models at 720x720) accept other sizes.
/// <para>
/// Spatial sizes are propagated through the graph at the native size with a small shape
/// calculator that knows the ops of fully convolutional networks (<see cref="ShapeInference"/>). Everything that bakes the
/// native size into the graph is then replaced by a size-independent equivalent:
/// ConvTranspose <c>output_shape</c> becomes the <c>output_padding</c> that gives the same output at
/// the native size; a Crop <c>scale</c> becomes the equivalent right/bottom <c>border</c>; stale
/// value_info shapes of spatial tensors are dropped; input/output H and W become symbolic.
/// Graphs that reshape, flatten or otherwise depend on the exact size are refused.
/// </para>
/// <para>
/// Finally the size multiple the network needs (e.g. 4 for two stride-2 downsamplings followed
/// by two stride-2 upsamplings) is found by checking, with the same shape calculator, which
/// multiples give output size == input size at several sizes (<see cref="SizeMultipleSearch"/>).
/// Callers pad frames to that multiple. Protobuf accessors live in <see cref="OnnxProtoAccess"/>.
/// </para>
/// </summary>
internal static class FixedDimsRewriter
{
    public const string HeightSymbol = "height";
    public const string WidthSymbol = "width";
    public const string SizeMultipleMetadataKey = "videostyler.size_multiple";
    public const string NativeSizeMetadataKey = "videostyler.native_size";

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
            var probe = SizeMultipleSearch.Find(graph, input.Name, 512, 512, out var probeError);
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

        var native = ShapeInference.Propagate(graph, input.Name, nativeHeight, nativeWidth, out var error);
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
        var check = ShapeInference.Propagate(rewritten, input.Name, nativeHeight, nativeWidth, out error);
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

        var multiple = SizeMultipleSearch.Find(rewritten, input.Name, nativeHeight, nativeWidth, out error);
        if (multiple == 0)
        {
            return Fail(error ?? "No size multiple keeps the output size equal to the input size.");
        }

        model.Graph = rewritten;
        SetMetadata(model, SizeMultipleMetadataKey, multiple.ToString(CultureInfo.InvariantCulture));
        SetMetadata(model, NativeSizeMetadataKey, string.Create(CultureInfo.InvariantCulture, $"{nativeHeight}x{nativeWidth}"));
        return new RewriteResult(true, true, multiple, null, nativeHeight, nativeWidth, changes);
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

        var kernel = ShapeInference.KernelShape(node, constants);
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
}
