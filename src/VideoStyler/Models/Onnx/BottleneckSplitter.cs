using VideoStyler.Models.Onnx.Proto;
using DataType = VideoStyler.Models.Onnx.Proto.TensorProto.Types.DataType;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// Finds the bottleneck of an encoder-decoder style network and cuts the graph there. The cut point is found
/// from the graph alone. A tensor is "picture-dependent" when it is the picture input or a node computed it from
/// one. Walking the nodes in their (topological) order, a point where exactly one computed picture-dependent tensor
/// is still needed by the nodes after it is a place where the network can be cut in two; of those before the first
/// upsampling op (ConvTranspose, Upsample, Resize) the last one is taken, the deepest and smallest features (for the
/// Johnson networks: the output of the last residual block, 1/4 of the picture's size; for Magenta's arbitrary
/// transformer: its last residual block, 128 channels at 1/4). <see cref="CutPoints"/> lists them all;
/// <see cref="FeatureCut.AfterFirstUpsampling"/> takes the last one between the first and the second upsampling op
/// instead (the first upsampling block's output, 1/2 of the picture's size).
/// <para>Other graph inputs (a style vector) and the nodes computed from them alone (the conditional instance
/// norms' scales and offsets) do not depend on the picture: both parts may read them, so each part takes the
/// graph inputs it still needs and recomputes the picture-free nodes it reads. Networks without an upsampling
/// op, or without such a point before it, are not split.</para>
/// </summary>
internal static class BottleneckSplitter
{
    private static readonly HashSet<string> UpsamplingOps = new(StringComparer.Ordinal) { "ConvTranspose", "Upsample", "Resize" };

    /// <summary>
    /// The split (<paramref name="model"/> is not changed), or null with the reason in <paramref name="reason"/>.
    /// <paramref name="pictureInput"/> names the picture input; null: the graph must have only one input.
    /// <paramref name="cut"/>: which of the cut points (<see cref="FeatureCut"/>).
    /// </summary>
    public static BottleneckSplit? TrySplit(ModelProto model, out string? reason, string? pictureInput = null, FeatureCut cut = FeatureCut.Bottleneck)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        if (PictureInput(graph, pictureInput) is not { } picture)
        {
            reason = pictureInput is null
                ? "the network needs one picture input and one output"
                : $"the network needs the picture input '{pictureInput}' and one output";
            return null;
        }

        var nodes = graph.Node.ToList();
        var (dependent, onPicture) = PictureDependence(nodes, picture);
        var cuts = FindCutPoints(graph, nodes, picture, dependent, onPicture);
        var firstUpsampling = nodes.FindIndex(n => UpsamplingOps.Contains(n.OpType));
        if (firstUpsampling < 0)
        {
            reason = "the network has no upsampling op (ConvTranspose, Upsample, Resize), so no bottleneck";
            return null;
        }

        // Upsampling ops the cut comes after: none (the bottleneck), or the first one, and then a second must follow.
        var upsampledBefore = cut == FeatureCut.Bottleneck ? 0 : 1;
        if (upsampledBefore > 0 && nodes.Count(n => UpsamplingOps.Contains(n.OpType)) < 2)
        {
            reason = "the network has only one upsampling op, so nothing to cut after it at a fraction of the picture's size";
            return null;
        }

        if (cuts.LastOrDefault(c => c.UpsamplingBefore == upsampledBefore) is not { } point)
        {
            reason = "no single tensor carries everything from the encoder to the decoder";
            return null;
        }

        var cutIndex = point.NodeIndex;
        var features = OnnxGraphBuilder.TensorValueInfo(point.Tensor, DataType.Float, 1, "channels", "feature_height", "feature_width");
        var encoder = model.Clone();
        encoder.Graph.Node.Clear();
        encoder.Graph.Node.AddRange(nodes.Take(cutIndex + 1).Select(n => n.Clone()));
        encoder.Graph.Output.Clear();
        encoder.Graph.Output.Add(features.Clone());
        encoder.Graph.ValueInfo.Clear();
        Prune(encoder.Graph);

        // After the cut, plus the picture-free nodes before it that the decoder reads (recomputed there).
        var decoder = model.Clone();
        decoder.Graph.Node.Clear();
        decoder.Graph.Node.AddRange(nodes.Where((_, i) => i > cutIndex || !onPicture[i]).Select(n => n.Clone()));
        decoder.Graph.Input.Remove(decoder.Graph.Input.First(i => i.Name == picture));
        decoder.Graph.Input.Add(features);
        decoder.Graph.ValueInfo.Clear();
        Prune(decoder.Graph);

        reason = null;
        return new BottleneckSplit(encoder, decoder, point.Tensor, nodes[cutIndex].Name.Length > 0 ? nodes[cutIndex].Name : nodes[cutIndex].OpType);
    }

    /// <summary>
    /// The picture input's name: <paramref name="pictureInput"/> where the graph has it, else the graph's only input
    /// (initializers listed as inputs do not count); null when there is none, or the graph has more than one output.
    /// </summary>
    private static string? PictureInput(GraphProto graph, string? pictureInput)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).Select(i => i.Name).ToList();
        var picture = pictureInput ?? (inputs.Count == 1 ? inputs[0] : null);
        return picture is not null && inputs.Contains(picture, StringComparer.Ordinal) && graph.Output.Count == 1 ? picture : null;
    }

    /// <summary>
    /// Every place <paramref name="model"/> can be cut in two, in graph order (empty when the graph has no single picture
    /// input and output: see <see cref="TrySplit"/>).
    /// </summary>
    public static IReadOnlyList<BottleneckCutPoint> CutPoints(ModelProto model, string? pictureInput = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        if (PictureInput(graph, pictureInput) is not { } picture)
        {
            return [];
        }

        var nodes = graph.Node.ToList();
        var (dependent, onPicture) = PictureDependence(nodes, picture);
        return FindCutPoints(graph, nodes, picture, dependent, onPicture);
    }

    /// <summary>The picture-dependent tensors, and for each node whether it reads one (so computes one).</summary>
    private static (HashSet<string> Dependent, bool[] OnPicture) PictureDependence(List<NodeProto> nodes, string picture)
    {
        var dependent = new HashSet<string>(StringComparer.Ordinal) { picture };
        var onPicture = new bool[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            onPicture[i] = nodes[i].Input.Any(dependent.Contains);
            if (onPicture[i])
            {
                dependent.UnionWith(nodes[i].Output.Where(o => o.Length > 0));
            }
        }

        return (dependent, onPicture);
    }

    /// <summary>
    /// Walking the nodes in order, the points after which exactly one computed picture-dependent tensor is still read
    /// by the nodes after it (the graph output counts as read at the end).
    /// </summary>
    private static List<BottleneckCutPoint> FindCutPoints(GraphProto graph, List<NodeProto> nodes, string picture, HashSet<string> dependent, bool[] onPicture)
    {
        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var input in nodes[i].Input.Where(dependent.Contains))
            {
                lastUse[input] = i;
            }
        }

        lastUse[graph.Output[0].Name] = nodes.Count;
        var cuts = new List<BottleneckCutPoint>();
        var live = new HashSet<string>(StringComparer.Ordinal) { picture };
        var upsampled = 0;
        for (var p = 0; p < nodes.Count - 1; p++)
        {
            if (onPicture[p])
            {
                live.UnionWith(nodes[p].Output.Where(o => o.Length > 0));
            }

            upsampled += UpsamplingOps.Contains(nodes[p].OpType) ? 1 : 0;
            live.RemoveWhere(name => !lastUse.TryGetValue(name, out var last) || last <= p);
            if (live.Count == 1 && live.First() != picture)
            {
                cuts.Add(new BottleneckCutPoint(p, live.First(), upsampled));
            }
        }

        return cuts;
    }

    /// <summary>
    /// Keeps the nodes the graph's outputs need (walking back from them), then drops the initializers and the
    /// graph inputs no kept node reads.
    /// </summary>
    private static void Prune(GraphProto graph)
    {
        var needed = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var kept = new List<NodeProto>();
        foreach (var node in graph.Node.Reverse())
        {
            if (node.Output.Any(needed.Contains))
            {
                kept.Add(node);
                needed.UnionWith(node.Input.Where(n => n.Length > 0));
            }
        }

        kept.Reverse();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        foreach (var initializer in graph.Initializer.Where(t => !needed.Contains(t.Name)).ToList())
        {
            graph.Initializer.Remove(initializer);
        }

        foreach (var input in graph.Input.Where(i => !needed.Contains(i.Name)).ToList())
        {
            graph.Input.Remove(input);
        }
    }
}
