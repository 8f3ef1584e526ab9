using System.Buffers.Binary;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using VideoStyler.Models.Tflite;

namespace VideoStyler.Tests.Models;

/// <summary>
/// Builds a tiny TFLite graph in memory (the records <see cref="TfliteReader"/> produces), converts
/// it with <see cref="TfliteToOnnxConverter"/> and runs the ONNX model with ONNX Runtime.
/// </summary>
internal sealed class TfliteTestModel
{
    private readonly List<TfliteTensor> _tensors = [];
    private readonly List<TfliteOperator> _operators = [];
    private readonly List<int> _inputs = [];
    private readonly List<int> _outputs = [];

    public int Input(params int[] shape)
    {
        var index = Add(TfliteTensorType.Float32, shape, null);
        _inputs.Add(index);
        return index;
    }

    public int Const(float[] values, params int[] shape) =>
        Add(TfliteTensorType.Float32, shape, Bytes(values, 4, (s, v) => BinaryPrimitives.WriteSingleLittleEndian(s, v)));

    public int ConstHalf(float[] values, params int[] shape) =>
        Add(TfliteTensorType.Float16, shape, Bytes(values, 2, (s, v) => BinaryPrimitives.WriteHalfLittleEndian(s, (Half)v)));

    public int ConstInt32(int[] values, params int[] shape) =>
        Add(TfliteTensorType.Int32, shape, Bytes(values, 4, BinaryPrimitives.WriteInt32LittleEndian));

    public int ConstInt32Quantized(int[] values, TfliteQuantization q, params int[] shape) =>
        Add(TfliteTensorType.Int32, shape, Bytes(values, 4, BinaryPrimitives.WriteInt32LittleEndian), q);

    public int ConstInt8(sbyte[] values, TfliteQuantization q, params int[] shape) =>
        Add(TfliteTensorType.Int8, shape, [.. values.Select(v => (byte)v)], q);

    /// <summary>A computed tensor (an operator's output) of the given type and shape.</summary>
    public int Tensor(int[] shape, TfliteTensorType type = TfliteTensorType.Float32, TfliteQuantization? q = null) => Add(type, shape, null, q);

    public int Op(TfliteOperatorKind kind, int[] inputs, int[] outputShape, TfliteOptions? options = null, TfliteTensorType type = TfliteTensorType.Float32, TfliteQuantization? q = null)
    {
        var output = Tensor(outputShape, type, q);
        OpInto(kind, inputs, output, options);
        return output;
    }

    public void OpInto(TfliteOperatorKind kind, int[] inputs, int output, TfliteOptions? options = null) =>
        _operators.Add(new TfliteOperator
        {
            Code = (int)kind,
            CodeName = TfliteReader.CodeName((int)kind),
            Inputs = inputs,
            Outputs = [output],
            Options = options ?? new TfliteOptions(),
        });

    public void RawOp(int code, int[] inputs, int output) =>
        _operators.Add(new TfliteOperator { Code = code, CodeName = TfliteReader.CodeName(code), Inputs = inputs, Outputs = [output], Options = new TfliteOptions() });

    public void Output(int index) => _outputs.Add(index);

    public TfliteModel Build() => new()
    {
        Version = 3,
        Tensors = [.. _tensors],
        Operators = [.. _operators],
        Inputs = [.. _inputs],
        Outputs = [.. _outputs],
    };

    public byte[] ToOnnx(TfliteImportOptions? options = null) =>
        TfliteToOnnxConverter.Convert(Build(), options ?? new TfliteImportOptions()).ToByteArray();

    /// <summary>Converts and runs the model; inputs are NHWC float arrays with their shapes (in the order of the graph inputs).</summary>
    public (float[] Data, long[] Shape) Run(TfliteImportOptions? options, params (float[] Data, long[] Shape)[] inputs)
    {
        using var session = OnnxTestUtil.CreateSession(ToOnnx(options));
        var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)).ToList();
        try
        {
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [.. session.InputNames], values, [session.OutputNames[0]]);
            return (results[0].GetTensorDataAsSpan<float>().ToArray(), results[0].GetTensorTypeAndShape().Shape);
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }

    private int Add(TfliteTensorType type, int[] shape, byte[]? data, TfliteQuantization? q = null)
    {
        var index = _tensors.Count;
        _tensors.Add(new TfliteTensor { Index = index, Name = $"t{index}", Type = type, Shape = shape, Data = data, Quantization = q });
        return index;
    }

    private static byte[] Bytes<T>(T[] values, int size, Action<Span<byte>, T> write)
    {
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            write(bytes.AsSpan(i * size), values[i]);
        }

        return bytes;
    }
}
