using System.Globalization;
using VideoStyler.Models.Onnx.Proto;
using DataType = VideoStyler.Models.Onnx.Proto.TensorProto.Types.DataType;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// Carries instance-norm statistics over time inside the network. Every InstanceNormalization(x, scale, B)
/// becomes, in one pass:
/// <code>
/// m = GlobalAveragePool(x)            v = GlobalAveragePool((x - m)^2)      (this frame's own statistics)
/// mean = m + keep (previous_mean - m)  variance = v + keep (previous_variance - v)
/// y = BatchNormalization(x, scale, B, mean, variance)
/// </code>
/// with previous_mean, previous_variance and keep new graph inputs and mean, variance new outputs: an
/// exponential moving average of each layer's channel means and variances that the caller feeds back frame
/// after frame. keep = 0 is the original network exactly (a fresh start, a scene cut). Because each layer is
/// normalised with blended statistics before the next one measures its own, the deeper layers' statistics
/// are those of the smoothed network, not of the per-frame one. Graphs are accepted under the same rules as
/// <see cref="InstanceNormSplitter"/> (default-domain InstanceNormalization with an initializer scale,
/// opset 7 or later); ops used: GlobalAveragePool, Sub, Mul, Add, Reshape, BatchNormalization.
/// </summary>
internal static class InstanceNormSmoother
{
    /// <summary>The rewritten model (<paramref name="model"/> is not changed), or null when it has no instance norms to smooth.</summary>
    public static InstanceNormSmoothing? TryRewrite(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var original = model.Graph;
        if (original is null || original.Output.Count != 1 || model.OpsetImport.Any(o => (o.Domain is "" or "ai.onnx") && o.Version < 7))
        {
            return null;
        }

        var initializers = original.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        if (!original.Node.Any(IsInstanceNorm))
        {
            return null;
        }

        var rewritten = model.Clone();
        var graph = rewritten.Graph;
        var names = new HashSet<string>(
            graph.Node.SelectMany(n => n.Output).Concat(graph.Input.Select(i => i.Name)).Concat(initializers.Keys),
            StringComparer.Ordinal);
        var keep = Unique(names, "temporal_keep");
        graph.Input.Add(OnnxGraphBuilder.TensorValueInfo(keep, DataType.Float, 1));
        var layers = new List<InstanceNormLayer>();
        var nodes = graph.Node.ToList();
        graph.Node.Clear();
        foreach (var node in nodes)
        {
            if (!IsInstanceNorm(node))
            {
                graph.Node.Add(node);
                continue;
            }

            if (node.Input.Count != 3
                || !initializers.TryGetValue(node.Input[1], out var scale)
                || scale.Dims.Count != 1
                || scale.Dims[0] is < 1 or > 65536)
            {
                return null;
            }

            var channels = (int)scale.Dims[0];
            var epsilon = node.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var prefix = $"temporal_in{layers.Count.ToString(CultureInfo.InvariantCulture)}";
            var layer = new InstanceNormLayer(
                channels,
                epsilon,
                Unique(names, $"{prefix}_mean"),
                Unique(names, $"{prefix}_variance"),
                Unique(names, $"{prefix}_previous_mean"),
                Unique(names, $"{prefix}_previous_variance"));
            layers.Add(layer);
            graph.Input.Add(OnnxGraphBuilder.TensorValueInfo(layer.MeanInput, DataType.Float, 1, channels, 1, 1));
            graph.Input.Add(OnnxGraphBuilder.TensorValueInfo(layer.VarianceInput, DataType.Float, 1, channels, 1, 1));

            string Name(string what) => Unique(names, $"{prefix}_{what}");
            var x = node.Input[0];
            var own = Name("own_mean");
            var centred = Name("centred");
            var squared = Name("squared");
            var ownVariance = Name("own_variance");
            var shape = Name("shape");
            graph.Initializer.Add(OnnxGraphBuilder.Int64Tensor(shape, [channels], 1));
            graph.Node.Add(Node("GlobalAveragePool", [x], [own]));
            graph.Node.Add(Node("Sub", [x, own], [centred]));
            graph.Node.Add(Node("Mul", [centred, centred], [squared]));
            graph.Node.Add(Node("GlobalAveragePool", [squared], [ownVariance]));
            Blend(graph, Name, own, layer.MeanInput, keep, layer.MeanOutput);
            Blend(graph, Name, ownVariance, layer.VarianceInput, keep, layer.VarianceOutput);
            var mean = Name("mean_c");
            var variance = Name("variance_c");
            graph.Node.Add(Node("Reshape", [layer.MeanOutput, shape], [mean]));
            graph.Node.Add(Node("Reshape", [layer.VarianceOutput, shape], [variance]));
            var batchNorm = new NodeProto { OpType = "BatchNormalization", Name = (node.Name.Length > 0 ? node.Name : prefix) + "_smoothed" };
            batchNorm.Input.AddRange([x, node.Input[1], node.Input[2], mean, variance]);
            batchNorm.Output.Add(node.Output[0]);
            batchNorm.Attribute.Add(OnnxGraphBuilder.Attr("epsilon", epsilon));
            graph.Node.Add(batchNorm);
            graph.Output.Add(OnnxGraphBuilder.TensorValueInfo(layer.MeanOutput, DataType.Float, 1, channels, 1, 1));
            graph.Output.Add(OnnxGraphBuilder.TensorValueInfo(layer.VarianceOutput, DataType.Float, 1, channels, 1, 1));
        }

        return new InstanceNormSmoothing(rewritten, layers, keep);
    }

    /// <summary>result = own + keep (previous - own).</summary>
    private static void Blend(GraphProto graph, Func<string, string> name, string own, string previous, string keep, string result)
    {
        var difference = name("difference");
        var step = name("step");
        graph.Node.Add(Node("Sub", [previous, own], [difference]));
        graph.Node.Add(Node("Mul", [keep, difference], [step]));
        graph.Node.Add(Node("Add", [own, step], [result]));
    }

    private static bool IsInstanceNorm(NodeProto node) => node.OpType == "InstanceNormalization" && node.Domain is "" or "ai.onnx";

    private static NodeProto Node(string opType, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = opType, Name = outputs[0] + "_node" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    private static string Unique(HashSet<string> names, string wanted)
    {
        var name = wanted;
        for (var n = 2; !names.Add(name); n++)
        {
            name = $"{wanted}_{n}";
        }

        return name;
    }
}
