using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using VideoStyler.Models.Onnx.Proto;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// A small fluent builder for ONNX graphs. Names it generates (for <see cref="Apply"/> and
/// <see cref="Constant(float)"/>) come from a counter, so building the same graph twice gives
/// byte-identical models.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly List<OperatorSetIdProto> _opsets = [];
    private readonly List<StringStringEntryProto> _metadata = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private string _producerName = "VideoStyler";
    private string? _producerVersion;
    private string? _docString;
    private long _irVersion = 8;
    private int _counter;

    public OnnxGraphBuilder(string graphName = "graph")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(graphName);
        _graph = new GraphProto { Name = graphName };
    }

    /// <summary>The graph being built (live; changes to it show up in <see cref="Build"/>).</summary>
    public GraphProto Graph => _graph;

    public OnnxGraphBuilder Producer(string name, string? version = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _producerName = name;
        _producerVersion = version;
        return this;
    }

    public OnnxGraphBuilder IrVersion(long version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 3);
        _irVersion = version;
        return this;
    }

    public OnnxGraphBuilder DocString(string docString)
    {
        _docString = docString;
        return this;
    }

    /// <summary>Imports an operator set; <paramref name="domain"/> "" is the default ONNX domain.</summary>
    public OnnxGraphBuilder Opset(long version, string domain = "")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        _opsets.RemoveAll(o => o.Domain == domain);
        _opsets.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        return this;
    }

    /// <summary>Adds (or replaces) a model-level metadata_props entry.</summary>
    public OnnxGraphBuilder Metadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        _metadata.RemoveAll(e => e.Key == key);
        _metadata.Add(new StringStringEntryProto { Key = key, Value = value });
        return this;
    }

    public OnnxGraphBuilder Input(string name, TensorProto.Types.DataType elementType, params OnnxDim[] dims)
    {
        Claim(name);
        _graph.Input.Add(TensorValueInfo(name, elementType, dims));
        return this;
    }

    public OnnxGraphBuilder Output(string name, TensorProto.Types.DataType elementType, params OnnxDim[] dims)
    {
        _graph.Output.Add(TensorValueInfo(name, elementType, dims));
        return this;
    }

    /// <summary>Adds a float32 initializer. No <paramref name="dims"/> means a scalar.</summary>
    public OnnxGraphBuilder Initializer(string name, float[] values, params long[] dims)
    {
        Claim(name);
        _graph.Initializer.Add(FloatTensor(name, values, dims));
        return this;
    }

    /// <summary>Adds an int64 initializer. No <paramref name="dims"/> means a scalar.</summary>
    public OnnxGraphBuilder Initializer(string name, long[] values, params long[] dims)
    {
        Claim(name);
        _graph.Initializer.Add(Int64Tensor(name, values, dims));
        return this;
    }

    /// <summary>Adds a node. Attributes come from the static <c>Attr</c> helpers.</summary>
    public OnnxGraphBuilder Node(
        string opType,
        IReadOnlyList<string> inputs,
        IReadOnlyList<string> outputs,
        params AttributeProto[] attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var output in outputs)
        {
            Claim(output);
        }

        var node = new NodeProto
        {
            OpType = opType,
            Name = $"{opType}_{_graph.Node.Count}",
        };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return this;
    }

    /// <summary>Adds a single-output node with a generated output name and returns that name.</summary>
    public string Apply(string opType, IReadOnlyList<string> inputs, params AttributeProto[] attributes)
    {
        var output = NextName(opType.ToLowerInvariant());
        Node(opType, inputs, [output], attributes);
        return output;
    }

    /// <summary>Returns a generated name (prefix_N) that is not used in the graph yet.</summary>
    public string UniqueName(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        return NextName(prefix);
    }

    /// <summary>Adds a float32 scalar initializer with a generated name and returns the name.</summary>
    public string Constant(float value) => Constant([value]);

    /// <summary>Adds a float32 initializer with a generated name and returns the name.</summary>
    public string Constant(float[] values, params long[] dims)
    {
        var name = NextName("const");
        Initializer(name, values, dims);
        return name;
    }

    /// <summary>Adds an int64 initializer with a generated name and returns the name.</summary>
    public string Constant(long[] values, params long[] dims)
    {
        var name = NextName("const");
        Initializer(name, values, dims);
        return name;
    }

    /// <summary>Returns a fresh copy of the model built so far.</summary>
    public ModelProto Build()
    {
        var model = new ModelProto
        {
            IrVersion = _irVersion,
            ProducerName = _producerName,
            Graph = _graph.Clone(),
        };
        if (_producerVersion is not null)
        {
            model.ProducerVersion = _producerVersion;
        }

        if (_docString is not null)
        {
            model.DocString = _docString;
        }

        if (_opsets.Count == 0)
        {
            throw new InvalidOperationException("An ONNX model needs at least one opset import; call Opset(...).");
        }

        model.OpsetImport.AddRange(_opsets.Select(o => o.Clone()));
        model.MetadataProps.AddRange(_metadata.Select(e => e.Clone()));
        return model;
    }

    /// <summary>Serializes <see cref="Build"/>; the bytes are deterministic.</summary>
    public byte[] ToBytes() => Build().ToByteArray();

    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attr(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Attr(string name, params float[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        attribute.Floats.AddRange(values);
        return attribute;
    }

    public static AttributeProto Attr(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    /// <summary>A float32 tensor stored little-endian in raw_data.</summary>
    public static TensorProto FloatTensor(string name, float[] values, params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckCount(values.Length, dims);
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(bytes),
        };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    /// <summary>An int64 tensor stored in int64_data.</summary>
    public static TensorProto Int64Tensor(string name, long[] values, params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckCount(values.Length, dims);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        return tensor;
    }

    public static ValueInfoProto TensorValueInfo(string name, TensorProto.Types.DataType elementType, params OnnxDim[] dims)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            var d = new TensorShapeProto.Types.Dimension();
            if (dim.Symbol is { } symbol)
            {
                d.DimParam = symbol;
            }
            else
            {
                d.DimValue = dim.Value ?? throw new ArgumentException("A dimension needs a value or a symbol.", nameof(dims));
            }

            shape.Dim.Add(d);
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = shape },
            },
        };
    }

    private static void CheckCount(int count, long[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long expected = 1;
        foreach (var d in dims)
        {
            expected *= d;
        }

        if (expected != count)
        {
            throw new ArgumentException(
                $"{count} values do not fill shape [{string.Join(",", dims.Select(d => d.ToString(CultureInfo.InvariantCulture)))}].",
                nameof(count));
        }
    }

    private string NextName(string prefix)
    {
        string name;
        do
        {
            name = $"{prefix}_{_counter++}";
        }
        while (_names.Contains(name));

        return name;
    }

    private void Claim(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"The name '{name}' is already used in this graph.", nameof(name));
        }
    }
}
