using Google.Protobuf;
using VideoStyler.Models.Onnx;
using VideoStyler.Models.Onnx.Proto;
using VideoStyler.Tests.Support;
using static VideoStyler.Models.Onnx.OnnxGraphBuilder;
using DataType = VideoStyler.Models.Onnx.Proto.TensorProto.Types.DataType;

namespace VideoStyler.Tests.Models;

public class OnnxGraphBuilderTests
{
    [Fact]
    public void AddAndMulOfConstantsComputeExpectedValues()
    {
        var builder = new OnnxGraphBuilder("arith")
            .Opset(13)
            .Input("x", DataType.Float, "n", 3)
            .Initializer("offset", [1f, 2f, 3f], 3)
            .Initializer("scale", [0.5f])
            .Node("Add", ["x", "offset"], ["sum"])
            .Node("Mul", ["sum", "scale"], ["y"])
            .Output("y", DataType.Float, "n", 3);
        using var session = OnnxTestUtil.CreateSession(builder.ToBytes());

        var (data, shape) = OnnxTestUtil.Run(session, [10f, 20f, 30f, -1f, -2f, -3f], 2, 3);

        Assert.Equal([2L, 3L], shape);
        Assert.Equal([5.5f, 11f, 16.5f, 0f, 0f, 0f], data);
    }

    [Fact]
    public void ConvWithKnownKernelMatchesDirectComputation()
    {
        float[] kernel = [0, 1, 0, 1, -4, 1, 0, 1, 0]; // Laplacian
        var builder = new OnnxGraphBuilder("conv")
            .Opset(13)
            .Input("image", DataType.Float, 1, 1, "h", "w")
            .Initializer("kernel", kernel, 1, 1, 3, 3)
            .Initializer("bias", [0.25f], 1)
            .Node("Conv", ["image", "kernel", "bias"], ["edges"], Attr("pads", 1L, 1L, 1L, 1L), Attr("kernel_shape", 3L, 3L))
            .Output("edges", DataType.Float, 1, 1, "h", "w");
        using var session = OnnxTestUtil.CreateSession(builder.ToBytes());
        const int width = 5;
        const int height = 4;
        var image = Enumerable.Range(0, width * height).Select(i => (float)((i * 7) % 11)).ToArray();

        var (data, shape) = OnnxTestUtil.Run(session, image, 1, 1, height, width);

        Assert.Equal([1L, 1L, height, width], shape);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var expected = 0.25f;
                for (var ky = -1; ky <= 1; ky++)
                {
                    for (var kx = -1; kx <= 1; kx++)
                    {
                        var (sy, sx) = (y + ky, x + kx);
                        if (sy >= 0 && sy < height && sx >= 0 && sx < width)
                        {
                            expected += kernel[((ky + 1) * 3) + kx + 1] * image[(sy * width) + sx];
                        }
                    }
                }

                Assert.Equal(expected, data[(y * width) + x], 4);
            }
        }
    }

    [Fact]
    public void AllAttributeKindsAndInt64InitializersWork()
    {
        var valueTensor = FloatTensor("value", [1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var builder = new OnnxGraphBuilder("attrs")
            .Opset(14)
            .Input("x", DataType.Float, 2, 3)
            .Initializer("pads", [0L, 1L, 0L, 1L], 4)
            .Initializer("shape", [3L, 2L], 2)
            .Node("Constant", [], ["two_three"], Attr("value", valueTensor))
            .Node("LeakyRelu", ["x"], ["leaky"], Attr("alpha", 0.5f))
            .Node("Pad", ["leaky", "pads"], ["padded"], Attr("mode", "edge"))
            .Node("Transpose", ["padded"], ["transposed"], Attr("perm", 1L, 0L))
            .Node("Softmax", ["transposed"], ["soft"], Attr("axis", 0L))
            .Node("Shape", ["soft"], ["soft_shape"])
            .Node("Reshape", ["two_three", "shape"], ["reshaped"], Attr("allowzero", 0L))
            .Output("transposed", DataType.Float, 5, 2)
            .Output("soft_shape", DataType.Int64, 2)
            .Output("reshaped", DataType.Float, 3, 2);

        // A FLOATS attribute round-trips through serialization (no opset-13 op uses one).
        var model = ModelProto.Parser.ParseFrom(builder.ToBytes());
        var floats = Attr("weights", 0.25f, 0.5f);
        Assert.Equal(AttributeProto.Types.AttributeType.Floats, floats.Type);
        Assert.Equal([0.25f, 0.5f], AttributeProto.Parser.ParseFrom(floats.ToByteArray()).Floats);
        Assert.Equal(AttributeProto.Types.AttributeType.Int, model.Graph.Node.Single(n => n.OpType == "Softmax").Attribute[0].Type);
        Assert.True(model.Graph.Node.Single(n => n.OpType == "Softmax").Attribute[0].HasI);

        using var session = OnnxTestUtil.CreateSession(builder.ToBytes());
        using var x = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(new float[] { 1, -2, 3, -4, 5, -6 }, [2L, 3L]);
        using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
        using var results = session.Run(runOptions, ["x"], [x], ["transposed", "soft_shape", "reshaped"]);

        // leaky = [[1,-1,3],[-2,5,-3]]; edge-padded columns: [[1,1,-1,3,3],[-2,-2,5,-3,-3]]; transposed 5x2.
        Assert.Equal([1f, -2f, 1f, -2f, -1f, 5f, 3f, -3f, 3f, -3f], results[0].GetTensorDataAsSpan<float>().ToArray());
        Assert.Equal([5L, 2L], results[1].GetTensorDataAsSpan<long>().ToArray());
        Assert.Equal([3L, 2L], results[2].GetTensorTypeAndShape().Shape);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], results[2].GetTensorDataAsSpan<float>().ToArray());
    }

    [Fact]
    public void BuildWritesModelLevelFieldsAndIsDeterministic()
    {
        static OnnxGraphBuilder Make() => new OnnxGraphBuilder("meta")
            .Producer("VideoStyler tests", "9.9")
            .IrVersion(8)
            .Opset(13)
            .Opset(1, "ai.onnx.ml")
            .Metadata("videostyler.style", "test")
            .Metadata("videostyler.style", "replaced")
            .Input("x", DataType.Float, 1, 3, "height", "width")
            .Node("Identity", ["x"], ["y"])
            .Output("y", DataType.Float, 1, 3, "height", "width");

        var model = Make().Build();

        Assert.Equal(Make().ToBytes(), Make().ToBytes());
        Assert.Equal("VideoStyler tests", model.ProducerName);
        Assert.Equal("9.9", model.ProducerVersion);
        Assert.Equal(8, model.IrVersion);
        Assert.Equal([("", 13L), ("ai.onnx.ml", 1L)], model.OpsetImport.Select(o => (o.Domain, o.Version)));
        Assert.Equal("replaced", Assert.Single(model.MetadataProps).Value);
        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        Assert.Equal(3, dims[1].DimValue);
        Assert.Equal("height", dims[2].DimParam);
        Assert.Equal("width", dims[3].DimParam);
    }

    [Fact]
    public void RejectsDuplicateNamesAndMissingOpset()
    {
        var builder = new OnnxGraphBuilder().Opset(13).Input("x", DataType.Float, 1);
        Assert.Throws<ArgumentException>(() => builder.Node("Identity", ["x"], ["x"]));
        Assert.Throws<ArgumentException>(() => builder.Initializer("c", [1f, 2f], 3));
        Assert.Throws<InvalidOperationException>(() => new OnnxGraphBuilder().Build());
    }

    [Fact]
    public void GeneratedNamesAreUnique()
    {
        var builder = new OnnxGraphBuilder().Opset(13).Input("x", DataType.Float, 2);
        var a = builder.Constant(1f);
        var b = builder.Constant([1L, 2L], 2);
        var sum = builder.Apply("Add", ["x", a]);
        var sum2 = builder.Apply("Add", [sum, a]);

        Assert.Equal(4, new[] { a, b, sum, sum2 }.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void UnknownFieldsSurviveReadModifyWrite()
    {
        // ModelProto field 25 (functions) is not declared in our minimal onnx.proto.
        var known = new OnnxGraphBuilder().Opset(13).Input("x", DataType.Float, 1).Node("Identity", ["x"], ["y"]).ToBytes();
        // Tag (25 << 3 | 2) = 202 as a varint is 0xCA 0x01; then length 4 and the payload.
        var unknownField = new byte[] { 0xCA, 0x01, 4, 0xDE, 0xAD, 0xBE, 0xEF };
        var bytes = known.Concat(unknownField).ToArray();

        var model = ModelProto.Parser.ParseFrom(bytes);
        model.ProducerName = "changed";
        var rewritten = model.ToByteArray();

        Assert.True(rewritten.AsSpan().IndexOf(unknownField) >= 0);
        Assert.Equal("changed", ModelProto.Parser.ParseFrom(rewritten).ProducerName);
    }

    [Fact]
    public void RealModelSurvivesParseAndReserialize()
    {
        var original = File.ReadAllBytes(TestPaths.SharedModel("candy.onnx"));
        var model = ModelProto.Parser.ParseFrom(original);
        var reserialized = model.ToByteArray();

        Assert.Equal(model, ModelProto.Parser.ParseFrom(reserialized));
        using var session = OnnxTestUtil.CreateSession(reserialized);
        var (data, shape) = OnnxTestUtil.Run(session, OnnxTestUtil.CandyNativeInput, 1, 3, 720, 720);

        Assert.Equal([1L, 3L, 720L, 720L], shape);
        Assert.Equal(0f, OnnxTestUtil.MaxAbsDiff(OnnxTestUtil.CandyNativeOutput, data));
    }
}
