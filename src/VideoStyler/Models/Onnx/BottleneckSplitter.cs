using VideoStyler.Models.Onnx.Proto;
using DataType = VideoStyler.Models.Onnx.Proto.TensorProto.Types.DataType;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// Finds the bottleneck of an encoder-decoder style network and cuts the graph there. The cut point is found
/// from the graph alone: walking the nodes in their (topological) order, a point where exactly one computed
/// tensor is still needed by the nodes after it is a place where the network can be cut in two; of those
/// before the first upsampling op (ConvTranspose, Upsample, Resize) the last one is taken, the deepest and
/// smallest features (for the Johnson networks: the output of the last residual block, 1/4 of the picture's
/// size). Networks without an upsampling op, or without such a point before it, are not split.
/// </summary>
internal static class BottleneckSplitter
{
    private static readonly HashSet<string> UpsamplingOps = new(StringComparer.Ordinal) { "ConvTranspose", "Upsample", "Resize" };

    /// <summary>The split (<paramref name="model"/> is not changed), or null with the reason in <paramref name="reason"/>.</summary>
    public static BottleneckSplit? TrySplit(ModelProto model, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1 || graph.Output.Count != 1)
        {
            reason = "the network needs one picture input and one output";
            return null;
        }

        var nodes = graph.Node.ToList();
        var firstUpsampling = nodes.FindIndex(n => UpsamplingOps.Contains(n.OpType));
        if (firstUpsampling < 0)
        {
            reason = "the network has no upsampling op (ConvTranspose, Upsample, Resize), so no bottleneck";
            return null;
        }

        // The last node that reads each tensor (the graph output counts as read at the end).
        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var input in nodes[i].Input.Where(n => n.Length > 0 && !initializers.Contains(n)))
            {
                lastUse[input] = i;
            }
        }

        lastUse[graph.Output[0].Name] = nodes.Count;
        string? cut = null;
        var cutIndex = -1;
        var live = new HashSet<string>(StringComparer.Ordinal) { inputs[0].Name };
        for (var p = 0; p < firstUpsampling; p++)
        {
            foreach (var output in nodes[p].Output.Where(o => o.Length > 0))
            {
                live.Add(output);
            }

            live.RemoveWhere(name => !lastUse.TryGetValue(name, out var last) || last <= p);
            if (live.Count == 1 && live.First() != inputs[0].Name)
            {
                (cut, cutIndex) = (live.First(), p);
            }
        }

        if (cut is null)
        {
            reason = "no single tensor carries everything from the encoder to the decoder";
            return null;
        }

        var features = OnnxGraphBuilder.TensorValueInfo(cut, DataType.Float, 1, "channels", "feature_height", "feature_width");
        var encoder = model.Clone();
        encoder.Graph.Node.Clear();
        encoder.Graph.Node.AddRange(nodes.Take(cutIndex + 1).Select(n => n.Clone()));
        encoder.Graph.Output.Clear();
        encoder.Graph.Output.Add(features.Clone());
        encoder.Graph.ValueInfo.Clear();
        Prune(encoder.Graph);

        var decoder = model.Clone();
        decoder.Graph.Node.Clear();
        decoder.Graph.Node.AddRange(nodes.Skip(cutIndex + 1).Select(n => n.Clone()));
        decoder.Graph.Input.Remove(decoder.Graph.Input.First(i => i.Name == inputs[0].Name));
        decoder.Graph.Input.Add(features);
        decoder.Graph.ValueInfo.Clear();
        Prune(decoder.Graph);

        reason = null;
        return new BottleneckSplit(encoder, decoder, cut, nodes[cutIndex].Name.Length > 0 ? nodes[cutIndex].Name : nodes[cutIndex].OpType);
    }

    /// <summary>Drops the initializers (and their graph inputs) no node of the part reads.</summary>
    private static void Prune(GraphProto graph)
    {
        var used = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        var unused = graph.Initializer.Where(t => !used.Contains(t.Name)).ToList();
        var names = unused.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var initializer in unused)
        {
            graph.Initializer.Remove(initializer);
        }

        foreach (var input in graph.Input.Where(i => names.Contains(i.Name)).ToList())
        {
            graph.Input.Remove(input);
        }
    }
}
