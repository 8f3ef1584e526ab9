using System.Buffers.Binary;
using VideoStyler.Models.Onnx.Proto;
using AttributeType = VideoStyler.Models.Onnx.Proto.AttributeProto.Types.AttributeType;
using DataType = VideoStyler.Models.Onnx.Proto.TensorProto.Types.DataType;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// Small readers and writers over the generated ONNX protobuf types: node attributes by name, constant
/// tensors (initializers and Constant nodes) and their int64/float contents, model metadata, and the
/// name a node is reported by in messages.
/// </summary>
internal static class OnnxProtoAccess
{
    internal static void SetMetadata(ModelProto model, string key, string value)
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

    internal static Dictionary<string, TensorProto> CollectConstants(GraphProto graph)
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

    internal static string Describe(NodeProto node) =>
        node.Name.Length > 0 ? $"{node.OpType} '{node.Name}'" : $"{node.OpType} -> '{node.Output.FirstOrDefault()}'";

    internal static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    internal static long GetInt(NodeProto node, string name, long fallback) =>
        Find(node, name) is { Type: AttributeType.Int } attribute ? attribute.I : fallback;

    internal static long[]? GetInts(NodeProto node, string name) =>
        Find(node, name) is { Type: AttributeType.Ints } attribute ? [.. attribute.Ints] : null;

    internal static float[]? GetFloats(NodeProto node, string name) =>
        Find(node, name) is { Type: AttributeType.Floats } attribute ? [.. attribute.Floats] : null;

    internal static string? GetString(NodeProto node, string name) =>
        Find(node, name) is { Type: AttributeType.String } attribute ? attribute.S.ToStringUtf8() : null;

    internal static void RemoveAttribute(NodeProto node, string name)
    {
        var attribute = Find(node, name);
        if (attribute is not null)
        {
            node.Attribute.Remove(attribute);
        }
    }

    internal static long[]? ReadInt64s(TensorProto tensor)
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

    internal static float[]? ReadFloats(TensorProto tensor)
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
