using VideoStyler.Models.Onnx.Proto;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// Turns a classification network into a feature extractor: the named inner activations become the
/// graph's outputs (in the order given), every node they do not depend on is dropped (the classifier
/// head, global pooling), and the input's spatial dims become symbolic ("height", "width") so pictures
/// of any size whose sides are multiples of the network's total stride run. Only graphs made of ops that
/// work at any spatial size qualify (convolutions, normalisations, activations, local pooling, element-wise
/// arithmetic); a reshape, flatten, global pooling or fixed-kernel pooling left on the path to a tapped
/// activation, or a missing name, returns an error instead.
/// </summary>
internal static class FeatureTapRewriter
{
    /// <summary>Ops whose output size follows the input's at any spatial size.</summary>
    private static readonly HashSet<string> SpatialOps = new(StringComparer.Ordinal)
    {
        "Conv", "BatchNormalization", "Relu", "LeakyRelu", "MaxPool", "Add", "Sum", "Mul", "Sub", "Identity", "Dropout",
    };

    /// <summary>
    /// The rewritten model (a copy; <paramref name="model"/> is not changed) and the channel count of each
    /// tap (from the weights of the convolution that feeds it), or null with the reason in <paramref name="error"/>.
    /// </summary>
    public static ModelProto? TryRewrite(ModelProto model, IReadOnlyList<string> taps, out IReadOnlyList<int> channels, out string? error)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(taps);
        channels = [];
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1 || inputs[0].Type?.TensorType?.Shape is not { Dim.Count: 4 })
        {
            error = "the network needs exactly one 4-D (NCHW) input";
            return null;
        }

        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                producers[output] = node;
            }
        }

        // Walk back from the taps: the nodes they need, in graph order.
        var needed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<string>(taps);
        while (pending.Count > 0)
        {
            var name = pending.Pop();
            if (!producers.TryGetValue(name, out var node))
            {
                if (taps.Contains(name, StringComparer.Ordinal))
                {
                    error = $"the network has no activation named '{name}'";
                    return null;
                }

                continue;
            }

            if (!needed.Add(node))
            {
                continue;
            }

            if (!SpatialOps.Contains(node.OpType) || node.Domain is not ("" or "ai.onnx"))
            {
                error = $"'{node.OpType}' ({node.Name}) on the path to the features does not work at any size";
                return null;
            }

            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                pending.Push(input);
            }
        }

        var counts = new List<int>();
        foreach (var tap in taps)
        {
            if (ChannelsOf(tap, producers, initializers) is not { } count)
            {
                error = $"the channel count of '{tap}' cannot be read from the weights";
                return null;
            }

            counts.Add(count);
        }

        var rewritten = model.Clone();
        var newGraph = rewritten.Graph;
        var keep = graph.Node.Select((node, index) => (node, index)).Where(p => needed.Contains(p.node)).Select(p => p.index).ToHashSet();
        var kept = newGraph.Node.Where((_, index) => keep.Contains(index)).ToList();
        newGraph.Node.Clear();
        newGraph.Node.AddRange(kept);
        var used = new HashSet<string>(kept.SelectMany(n => n.Input), StringComparer.Ordinal);
        var unusedInitializers = newGraph.Initializer.Where(t => !used.Contains(t.Name)).ToList();
        foreach (var initializer in unusedInitializers)
        {
            newGraph.Initializer.Remove(initializer);
        }

        var unusedInputs = newGraph.Input.Where(i => initializers.ContainsKey(i.Name) && !used.Contains(i.Name)).ToList();
        foreach (var input in unusedInputs)
        {
            newGraph.Input.Remove(input);
        }

        // Shapes recorded for the fixed size would contradict the free one.
        newGraph.ValueInfo.Clear();
        var imageInput = newGraph.Input.First(i => i.Name == inputs[0].Name);
        imageInput.Type.TensorType.Shape.Dim[2].ClearDimValue();
        imageInput.Type.TensorType.Shape.Dim[2].DimParam = "height";
        imageInput.Type.TensorType.Shape.Dim[3].ClearDimValue();
        imageInput.Type.TensorType.Shape.Dim[3].DimParam = "width";
        newGraph.Output.Clear();
        for (var i = 0; i < taps.Count; i++)
        {
            newGraph.Output.Add(OnnxGraphBuilder.TensorValueInfo(
                taps[i], TensorProto.Types.DataType.Float, 1, counts[i], $"{taps[i]}_height", $"{taps[i]}_width"));
        }

        channels = counts;
        error = null;
        return rewritten;
    }

    /// <summary>Follows element-wise ops back to the nearest convolution and reads its output channels.</summary>
    private static int? ChannelsOf(string name, Dictionary<string, NodeProto> producers, Dictionary<string, TensorProto> initializers)
    {
        for (var steps = 0; steps < 64 && producers.TryGetValue(name, out var node); steps++)
        {
            if (node.OpType == "Conv")
            {
                return node.Input.Count > 1 && initializers.TryGetValue(node.Input[1], out var weights) && weights.Dims.Count == 4
                    ? (int)weights.Dims[0]
                    : null;
            }

            name = node.Input[0];
        }

        return null;
    }
}
