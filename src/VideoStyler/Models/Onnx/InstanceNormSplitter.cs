using System.Globalization;
using VideoStyler.Models.Onnx.Proto;
using DataType = VideoStyler.Models.Onnx.Proto.TensorProto.Types.DataType;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// Instance normalization makes a style network's output depend on statistics of the whole picture:
/// a tile run on its own is normalised by its own channel means and variances and comes out in a
/// different tone from its neighbours and from the whole frame (measured with candy: tiles of a
/// 1920x1080 frame differ from the whole-frame result by 24/255 on average, and the two halves of the
/// frame visibly differ in style). This rewrite lets all tiles share one set of statistics:
/// <list type="bullet">
/// <item>the statistics model is the network with, for every InstanceNormalization input x, the
/// outputs mean = GlobalAveragePool(x) and variance = GlobalAveragePool((x - mean)^2), shape
/// [1, C, 1, 1], in place of the image output;</item>
/// <item>the normalized model replaces every InstanceNormalization(x, scale, B) with
/// BatchNormalization(x, scale, B, mean, variance), the same formula with the statistics taken from
/// new [C] inputs instead of from x.</item>
/// </list>
/// Only the default-domain InstanceNormalization op is handled, with its scale an initializer (for
/// the channel count); both models use ops with opset-7 semantics (GlobalAveragePool, Sub, Mul with
/// broadcasting, BatchNormalization), so they run wherever the original does.
/// </summary>
internal static class InstanceNormSplitter
{
    /// <summary>Splits <paramref name="model"/> (not changed), or returns null when it has no instance norms to split.</summary>
    public static InstanceNormSplit? TrySplit(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        if (graph is null || graph.Output.Count != 1 || model.OpsetImport.Any(o => (o.Domain is "" or "ai.onnx") && o.Version < 7))
        {
            return null;
        }

        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var norms = graph.Node.Where(n => n.OpType == "InstanceNormalization" && (n.Domain is "" or "ai.onnx")).ToList();
        if (norms.Count == 0)
        {
            return null;
        }

        var names = new HashSet<string>(
            graph.Node.SelectMany(n => n.Output).Concat(graph.Input.Select(i => i.Name)).Concat(initializers.Keys),
            StringComparer.Ordinal);
        var layers = new List<InstanceNormLayer>();
        foreach (var norm in norms)
        {
            // The channel count comes from the scale: an initializer of shape [C].
            if (norm.Input.Count != 3
                || !initializers.TryGetValue(norm.Input[1], out var scale)
                || scale.Dims.Count != 1
                || scale.Dims[0] is < 1 or > 65536)
            {
                return null;
            }

            var epsilon = norm.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var index = layers.Count.ToString(CultureInfo.InvariantCulture);
            layers.Add(new InstanceNormLayer(
                (int)scale.Dims[0],
                epsilon,
                Unique(names, $"tiling_in{index}_mean"),
                Unique(names, $"tiling_in{index}_variance"),
                Unique(names, $"tiling_in{index}_shared_mean"),
                Unique(names, $"tiling_in{index}_shared_variance")));
        }

        return new InstanceNormSplit(StatisticsModel(model, norms, layers, names), NormalizedModel(model, norms, layers), layers);
    }

    private static ModelProto StatisticsModel(ModelProto original, List<NodeProto> norms, List<InstanceNormLayer> layers, HashSet<string> names)
    {
        var model = original.Clone();
        var graph = model.Graph;
        graph.Output.Clear();
        for (var i = 0; i < norms.Count; i++)
        {
            var x = norms[i].Input[0];
            var layer = layers[i];
            var centred = Unique(names, $"tiling_in{i}_centred");
            var squared = Unique(names, $"tiling_in{i}_squared");
            // Right after the norm, so ONNX Runtime runs them while x is alive anyway (at the end of
            // the graph they would keep every layer's input alive to the end: gigabytes on a big tile).
            var position = graph.Node.IndexOf(graph.Node.First(n => n.Output.SequenceEqual(norms[i].Output, StringComparer.Ordinal))) + 1;
            graph.Node.Insert(position, Node("GlobalAveragePool", [x], [layer.MeanOutput]));
            graph.Node.Insert(position + 1, Node("Sub", [x, layer.MeanOutput], [centred]));
            graph.Node.Insert(position + 2, Node("Mul", [centred, centred], [squared]));
            graph.Node.Insert(position + 3, Node("GlobalAveragePool", [squared], [layer.VarianceOutput]));
            graph.Output.Add(StatisticValueInfo(layer.MeanOutput, layer.Channels));
            graph.Output.Add(StatisticValueInfo(layer.VarianceOutput, layer.Channels));
        }

        return model;
    }

    private static ModelProto NormalizedModel(ModelProto original, List<NodeProto> norms, List<InstanceNormLayer> layers)
    {
        var model = original.Clone();
        var graph = model.Graph;
        for (var i = 0; i < norms.Count; i++)
        {
            var layer = layers[i];
            var norm = graph.Node.First(n => n.Output.SequenceEqual(norms[i].Output, StringComparer.Ordinal));
            // Inference-mode batch normalization is instance normalization with the statistics given
            // as inputs: one op, so ONNX Runtime needs no more memory than for the original.
            var batchNorm = new NodeProto { OpType = "BatchNormalization", Name = norm.Name + "_shared" };
            batchNorm.Input.AddRange([norm.Input[0], norm.Input[1], norm.Input[2], layer.MeanInput, layer.VarianceInput]);
            batchNorm.Output.Add(norm.Output[0]);
            batchNorm.Attribute.Add(OnnxGraphBuilder.Attr("epsilon", layer.Epsilon));
            graph.Node[graph.Node.IndexOf(norm)] = batchNorm;
            graph.Input.Add(OnnxGraphBuilder.TensorValueInfo(layer.MeanInput, DataType.Float, layer.Channels));
            graph.Input.Add(OnnxGraphBuilder.TensorValueInfo(layer.VarianceInput, DataType.Float, layer.Channels));
        }

        return model;
    }

    private static NodeProto Node(string opType, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = opType, Name = outputs[0] + "_node" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    private static ValueInfoProto StatisticValueInfo(string name, int channels) =>
        OnnxGraphBuilder.TensorValueInfo(name, DataType.Float, 1, channels, 1, 1);

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
