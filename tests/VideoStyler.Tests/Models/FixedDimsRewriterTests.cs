using Google.Protobuf;
using VideoStyler.Models.Onnx;
using VideoStyler.Models.Onnx.Proto;
using VideoStyler.Tests.Support;
using static VideoStyler.Models.Onnx.OnnxGraphBuilder;
using DataType = VideoStyler.Models.Onnx.Proto.TensorProto.Types.DataType;

namespace VideoStyler.Tests.Models;

public class FixedDimsRewriterTests
{
    [Fact]
    public void CandyModelRunsAtOtherSizesAndMatchesAtNativeSize()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestPaths.SharedModel("candy.onnx")));

        var result = FixedDimsRewriter.TryMakeSpatialDimsSymbolic(model);

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.True(result.Changed);
        Assert.Equal(4, result.SizeMultiple);
        Assert.Equal(720, result.NativeHeight);
        Assert.Equal(720, result.NativeWidth);
        Assert.DoesNotContain(model.Graph.Node.SelectMany(n => n.Attribute), a => a.Name == "output_shape");
        Assert.Equal(
            [FixedDimsRewriter.HeightSymbol, FixedDimsRewriter.WidthSymbol],
            model.Graph.Input[0].Type.TensorType.Shape.Dim.Skip(2).Select(d => d.DimParam), StringComparer.Ordinal);
        Assert.Equal("4", model.MetadataProps.Single(e => e.Key == FixedDimsRewriter.SizeMultipleMetadataKey).Value);

        using var session = OnnxTestUtil.CreateSession(model.ToByteArray());

        // Native size: same result as the untouched model.
        var (native, nativeShape) = OnnxTestUtil.Run(session, OnnxTestUtil.CandyNativeInput, 1, 3, 720, 720);
        Assert.Equal([1L, 3L, 720L, 720L], nativeShape);
        Assert.True(OnnxTestUtil.MaxAbsDiff(OnnxTestUtil.CandyNativeOutput, native) < 1e-2f);

        // 640x480 is a multiple of 4: runs as is.
        var (_, shape) = OnnxTestUtil.Run(session, OnnxTestUtil.TestPicture(640, 480), 1, 3, 480, 640);
        Assert.Equal([1L, 3L, 480L, 640L], shape);

        // 643x361 is not: padded to 644x364 the output keeps the padded size and crops back.
        var odd = OnnxTestUtil.TestPicture(643, 361);
        var padded = OnnxTestUtil.ReflectPadBottomRight(odd, 643, 361, 644, 364);
        var (paddedOutput, paddedShape) = OnnxTestUtil.Run(session, padded, 1, 3, 364, 644);
        Assert.Equal([1L, 3L, 364L, 644L], paddedShape);
        Assert.True(Array.TrueForAll(paddedOutput, float.IsFinite));

        // Without padding the network silently rounds the size up to the multiple: padding is needed.
        var (_, unpaddedShape) = OnnxTestUtil.Run(session, odd, 1, 3, 361, 643);
        Assert.NotEqual([1L, 3L, 361L, 643L], unpaddedShape);
    }

    [Fact]
    public void ShapeCalculatorPredictsWhatTheCandyGraphDoes()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestPaths.SharedModel("candy.onnx")));
        Assert.True(FixedDimsRewriter.TryMakeSpatialDimsSymbolic(model).Succeeded);
        var output = model.Graph.Output[0].Name;

        Assert.Equal((480L, 640L), ShapeInference.Propagate(model.Graph, "inputImage", 480, 640, out _)![output]);
        Assert.Equal((364L, 644L), ShapeInference.Propagate(model.Graph, "inputImage", 361, 643, out _)![output]);
        Assert.Equal((720L, 1280L), ShapeInference.Propagate(model.Graph, "inputImage", 720, 1280, out _)![output]);
    }

    [Fact]
    public void SmallEncoderDecoderWithBakedSizesIsRewritten()
    {
        var model = EncoderDecoder(width: 16, height: 12);
        var original = model.ToByteArray();

        var result = FixedDimsRewriter.TryMakeSpatialDimsSymbolic(model);

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.Equal(2, result.SizeMultiple);
        Assert.Contains(result.Changes, c => c.Contains("output_padding", StringComparison.Ordinal));
        Assert.Contains(result.Changes, c => c.Contains("border", StringComparison.Ordinal));
        Assert.Empty(model.Graph.ValueInfo);

        using var before = OnnxTestUtil.CreateSession(original);
        using var after = OnnxTestUtil.CreateSession(model.ToByteArray());
        var nativeInput = Enumerable.Range(0, 12 * 16).Select(i => (float)(i % 7)).ToArray();
        var (expected, _) = OnnxTestUtil.Run(before, nativeInput, 1, 1, 12, 16);
        var (actual, nativeShape) = OnnxTestUtil.Run(after, nativeInput, 1, 1, 12, 16);
        Assert.Equal([1L, 1L, 12L, 16L], nativeShape);
        Assert.Equal(0f, OnnxTestUtil.MaxAbsDiff(expected, actual));

        var (_, otherShape) = OnnxTestUtil.Run(after, new float[22 * 30], 1, 1, 22, 30);
        Assert.Equal([1L, 1L, 22L, 30L], otherShape);
    }

    [Fact]
    public void RefusesSizeDependentGraphsAndLeavesThemUntouched()
    {
        var model = new OnnxGraphBuilder("flatten")
            .Opset(13)
            .Input("x", DataType.Float, 1, 3, 8, 8)
            .Initializer("w", new float[192 * 2], 192, 2)
            .Node("Flatten", ["x"], ["flat"])
            .Node("MatMul", ["flat", "w"], ["y"])
            .Output("y", DataType.Float, 1, 2)
            .Build();
        var before = model.ToByteArray();

        var result = FixedDimsRewriter.TryMakeSpatialDimsSymbolic(model);

        Assert.False(result.Succeeded);
        Assert.Contains("Flatten", result.FailureReason, StringComparison.Ordinal);
        Assert.Equal(before, model.ToByteArray());
    }

    [Fact]
    public void RefusesConstantsWithTheNativeSizeBakedIn()
    {
        var model = new OnnxGraphBuilder("baked")
            .Opset(13)
            .Input("x", DataType.Float, 1, 1, 4, 4)
            .Initializer("mask", new float[16], 1, 1, 4, 4)
            .Node("Mul", ["x", "mask"], ["y"])
            .Output("y", DataType.Float, 1, 1, 4, 4)
            .Build();

        var result = FixedDimsRewriter.TryMakeSpatialDimsSymbolic(model);

        Assert.False(result.Succeeded);
        Assert.Contains("mask", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void AlreadySymbolicModelIsReportedUnchanged()
    {
        var model = ToonStyleGraph.Build();
        var before = model.ToByteArray();

        var result = FixedDimsRewriter.TryMakeSpatialDimsSymbolic(model);

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.False(result.Changed);
        Assert.Equal(1, result.SizeMultiple);
        Assert.Equal(before, model.ToByteArray());
    }

    // Conv stride 2 (H -> H/2), ConvTranspose with a baked output_shape (back to H + 2), then an
    // ONNX Runtime Crop whose scale bakes the native size, and a stale value_info entry.
    private static ModelProto EncoderDecoder(int width, int height)
    {
        var downKernel = Enumerable.Range(0, 9).Select(i => (i % 3) * 0.1f).ToArray();
        var upKernel = Enumerable.Range(0, 9).Select(i => 0.05f * (i + 1)).ToArray();
        // Opset 9: ONNX Runtime only registers the experimental Crop op for opsets before 10.
        var builder = new OnnxGraphBuilder("encoder_decoder")
            .Opset(9)
            .Input("x", DataType.Float, 1, 1, height, width)
            .Initializer("down_w", downKernel, 1, 1, 3, 3)
            .Initializer("up_w", upKernel, 1, 1, 3, 3)
            .Node("Conv", ["x", "down_w"], ["down"], Attr("strides", 2L, 2L), Attr("pads", 1L, 1L, 1L, 1L))
            .Node("Relu", ["down"], ["act"])
            .Node("ConvTranspose", ["act", "up_w"], ["up"], Attr("strides", 2L, 2L), Attr("output_shape", height + 2L, width + 2L))
            .Output("y", DataType.Float, 1, 1, height, width);
        var model = builder.Build();
        var crop = new NodeProto { OpType = "Crop", Name = "crop" };
        crop.Input.Add("up");
        crop.Output.Add("y");
        crop.Attribute.Add(Attr("border", 1L, 1L, 0L, 0L));
        crop.Attribute.Add(Attr("scale", (long)height, width));
        model.Graph.Node.Add(crop);
        model.Graph.ValueInfo.Add(TensorValueInfo("up", DataType.Float, 1, 1, height + 2, width + 2));
        return model;
    }
}
