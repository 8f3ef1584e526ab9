using VideoStyler.Models.Tflite;

namespace VideoStyler.Tests.Models;

/// <summary>
/// Each TFLite operator the importer converts, on a tiny graph: converted to ONNX, run with ONNX
/// Runtime, and compared with the result worked out here directly (NHWC loops over the same numbers).
/// </summary>
public class TfliteOperatorTests
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void Conv2DValidWithFusedReluMatchesDirectComputation()
    {
        var x = Ramp(1 * 3 * 4 * 2, 0.1f, -1f);
        var w = Ramp(3 * 2 * 2 * 2, -0.07f, 0.5f);
        float[] bias = [0.1f, -0.2f, 0.3f];
        var m = new TfliteTestModel();
        var input = m.Input(1, 3, 4, 2);
        var y = m.Op(TfliteOperatorKind.Conv2D, [input, m.Const(w, 3, 2, 2, 2), m.Const(bias, 3)], [1, 2, 3, 3],
            new TfliteOptions { SamePadding = false, Activation = TfliteActivation.Relu });
        m.Output(y);

        var (data, shape) = m.Run(null, (x, [1, 3, 4, 2]));

        var expected = Conv(x, 3, 4, 2, w, 3, 2, 2, bias, 1, same: false, out var oh, out var ow).Select(v => Math.Max(0, v)).ToArray();
        Assert.Equal([1L, oh, ow, 3L], shape);
        AssertClose(expected, data);
        Assert.Contains(data, v => v == 0); // the ReLU clipped something
    }

    [Theory]
    [InlineData(5, 6, 3, 2)] // stride 2: TF pads the odd pixel at the bottom/right
    [InlineData(7, 4, 3, 2)] // another size through the same model (free spatial dims)
    [InlineData(4, 5, 2, 1)] // stride 1 with an even kernel: also asymmetric
    public void Conv2DSamePaddingIsTensorFlowsAsymmetricPadding(int height, int width, int kernel, int stride)
    {
        var x = Ramp(height * width, 0.37f, -2f, wrap: 5f);
        var w = Ramp(2 * kernel * kernel, 0.11f, -0.3f);
        float[] bias = [0.5f, -0.25f];
        var m = new TfliteTestModel();
        var input = m.Input(1, 5, 6, 1); // the stored shape; the run uses height x width
        var y = m.Op(TfliteOperatorKind.Conv2D, [input, m.Const(w, 2, kernel, kernel, 1), m.Const(bias, 2)], [1, 3, 3, 2],
            new TfliteOptions { SamePadding = true, StrideH = stride, StrideW = stride });
        m.Output(y);

        var (data, shape) = m.Run(null, (x, [1, height, width, 1]));

        var expected = Conv(x, height, width, 1, w, 2, kernel, kernel, bias, stride, same: true, out var oh, out var ow);
        Assert.Equal([1L, oh, ow, 2L], shape);
        AssertClose(expected, data);
    }

    [Fact]
    public void DepthwiseConvWithMultiplierAndRelu6MatchesDirectComputation()
    {
        var x = Ramp(4 * 4 * 2, 0.9f, -3f, wrap: 7f);
        var w = Ramp(3 * 3 * 4, 0.31f, -1.5f, wrap: 2.5f);
        float[] bias = [0.5f, 1f, -0.5f, 2f];
        var m = new TfliteTestModel();
        var input = m.Input(1, 4, 4, 2);
        var y = m.Op(TfliteOperatorKind.DepthwiseConv2D, [input, m.Const(w, 1, 3, 3, 4), m.Const(bias, 4)], [1, 4, 4, 4],
            new TfliteOptions { SamePadding = true, DepthMultiplier = 2, Activation = TfliteActivation.Relu6 });
        m.Output(y);

        var (data, shape) = m.Run(null, (x, [1, 4, 4, 2]));

        var expected = Depthwise(x, 4, 4, 2, 2, w, 3, bias).Select(v => Math.Clamp(v, 0, 6)).ToArray();
        Assert.Equal([1L, 4L, 4L, 4L], shape);
        AssertClose(expected, data);
        Assert.Contains(data, v => v == 6f);
        Assert.Contains(data, v => v == 0f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Int8PerChannelWeightsAndInt32BiasAreDequantized(bool keepInt8)
    {
        // Two output channels with their own scales; the bias is int32 at scale input_scale * weight_scale.
        sbyte[] q = [10, -20, 30, 127, -128, 5, 0, 64];
        var weightQuant = new TfliteQuantization([0.01f, 0.5f], [0, 0], 0);
        var biasQuant = new TfliteQuantization([0.02f, 0.1f], [0, 0], 0);
        var m = new TfliteTestModel();
        var input = m.Input(1, 2, 2, 2);
        var y = m.Op(TfliteOperatorKind.Conv2D,
            [input, m.ConstInt8(q, weightQuant, 2, 1, 2, 2), m.ConstInt32Quantized([50, -7], biasQuant, 2)], [1, 2, 1, 2],
            new TfliteOptions { SamePadding = false });
        m.Output(y);
        var x = Ramp(8, 0.25f, -1f);

        var (data, _) = m.Run(new TfliteImportOptions { KeepInt8Weights = keepInt8 }, (x, [1, 2, 2, 2]));

        // Real weights: channel 0 x 0.01, channel 1 x 0.5; real bias: 50 x 0.02 = 1, -7 x 0.1 = -0.7.
        var w = q.Select((v, i) => v * (i < 4 ? 0.01f : 0.5f)).ToArray();
        var expected = Conv(x, 2, 2, 2, w, 2, 1, 2, [1f, -0.7f], 1, same: false, out _, out _);
        AssertClose(expected, data);
    }

    [Fact]
    public void Float16WeightsThroughDequantizeBecomeFloat32()
    {
        float[] w = [0.5f, -1.25f, 2f, 0.125f]; // exact in float16
        var m = new TfliteTestModel();
        var input = m.Input(1, 2, 2, 1);
        var weights = m.Op(TfliteOperatorKind.Dequantize, [m.ConstHalf(w, 1, 2, 2, 1)], [1, 2, 2, 1]);
        var bias = m.Op(TfliteOperatorKind.Dequantize, [m.ConstHalf([0.75f], 1)], [1]);
        var y = m.Op(TfliteOperatorKind.Conv2D, [input, weights, bias], [1, 1, 1, 1]);
        m.Output(y);

        var (data, _) = m.Run(null, ([1f, 2f, 3f, 4f], [1, 2, 2, 1]));

        Assert.Equal(0.75f + 0.5f - 2.5f + 6f + 0.5f, data[0], 5);
    }

    [Theory]
    [InlineData(nameof(TfliteOperatorKind.Add))]
    [InlineData(nameof(TfliteOperatorKind.Sub))]
    [InlineData(nameof(TfliteOperatorKind.Mul))]
    public void ElementwiseOpsBroadcastAChannelConstantAndFuseRelu(string kindName)
    {
        // By name: the theory is public, the operator kinds are internal.
        var kind = Enum.Parse<TfliteOperatorKind>(kindName);
        var x = Ramp(2 * 3 * 2, 0.5f, -2f);
        float[] c = [1.5f, -0.5f];
        var m = new TfliteTestModel();
        var input = m.Input(1, 2, 3, 2);
        m.Output(m.Op(kind, [input, m.Const(c, 2)], [1, 2, 3, 2], new TfliteOptions { Activation = TfliteActivation.Relu }));

        var (data, _) = m.Run(null, (x, [1, 2, 3, 2]));

        var expected = x.Select((v, i) =>
        {
            var k = c[i % 2]; // NHWC: the channel is the fastest index
            var r = kind switch { TfliteOperatorKind.Add => v + k, TfliteOperatorKind.Sub => v - k, _ => v * k };
            return Math.Max(0, r);
        }).ToArray();
        AssertClose(expected, data);
    }

    [Fact]
    public void InstanceNormBuildingBlocksMatchDirectComputation()
    {
        // mean = MEAN(x, [1,2], keep); var = MEAN(SQUARED_DIFFERENCE(x, mean)); y = (x - mean) * RSQRT(var + eps)
        var x = Ramp(3 * 2 * 2, 0.7f, -1f, wrap: 3f);
        var m = new TfliteTestModel();
        var input = m.Input(1, 3, 2, 2);
        var axes = m.ConstInt32([1, 2], 2);
        var mean = m.Op(TfliteOperatorKind.Mean, [input, axes], [1, 1, 1, 2], new TfliteOptions { KeepDims = true });
        var sq = m.Op(TfliteOperatorKind.SquaredDifference, [input, mean], [1, 3, 2, 2]);
        var variance = m.Op(TfliteOperatorKind.Mean, [sq, axes], [1, 1, 1, 2], new TfliteOptions { KeepDims = true });
        var plusEps = m.Op(TfliteOperatorKind.Add, [variance, m.Const([0.001f])], [1, 1, 1, 2]);
        var inv = m.Op(TfliteOperatorKind.Rsqrt, [plusEps], [1, 1, 1, 2]);
        var centred = m.Op(TfliteOperatorKind.Sub, [input, mean], [1, 3, 2, 2]);
        var y = m.Op(TfliteOperatorKind.Mul, [centred, inv], [1, 3, 2, 2]);
        m.Output(m.Op(TfliteOperatorKind.Logistic, [y], [1, 3, 2, 2]));

        var (data, shape) = m.Run(null, (x, [1, 3, 2, 2]));

        var expected = new float[x.Length];
        for (var c = 0; c < 2; c++)
        {
            var values = x.Where((_, i) => i % 2 == c).ToArray();
            var mu = values.Average();
            var v = values.Select(a => (a - mu) * (a - mu)).Average();
            for (var i = c; i < x.Length; i += 2)
            {
                var n = (x[i] - mu) / Math.Sqrt(v + 0.001);
                expected[i] = (float)(1 / (1 + Math.Exp(-n)));
            }
        }

        Assert.Equal([1L, 3L, 2L, 2L], shape);
        AssertClose(expected, data);
    }

    [Fact]
    public void MeanWithoutKeepDimsGivesChannelsLast()
    {
        var x = Ramp(2 * 2 * 3, 1f, 0f);
        var m = new TfliteTestModel();
        var input = m.Input(1, 2, 2, 3);
        m.Output(m.Op(TfliteOperatorKind.Mean, [input, m.ConstInt32([1, 2], 2)], [1, 3]));

        var (data, shape) = m.Run(null, (x, [1, 2, 2, 3]));

        Assert.Equal([1L, 3L], shape);
        AssertClose([(0 + 3 + 6 + 9) / 4f, (1 + 4 + 7 + 10) / 4f, (2 + 5 + 8 + 11) / 4f], data);
    }

    [Fact]
    public void MirrorPadReflectsWithoutRepeatingTheEdge()
    {
        var m = new TfliteTestModel();
        var input = m.Input(1, 2, 3, 1);
        var pads = m.ConstInt32([0, 0, 1, 1, 2, 1, 0, 0], 4, 2);
        m.Output(m.Op(TfliteOperatorKind.MirrorPad, [input, pads], [1, 4, 6, 1]));

        var (data, shape) = m.Run(null, ([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]));

        // rows [1 2 3], [4 5 6]; reflect 1 row above and below, 2 columns left, 1 right.
        Assert.Equal([1L, 4L, 6L, 1L], shape);
        Assert.Equal(
            [6, 5, 4, 5, 6, 5,
             3, 2, 1, 2, 3, 2,
             6, 5, 4, 5, 6, 5,
             3, 2, 1, 2, 3, 2],
            data);
    }

    [Fact]
    public void ResizeNearestWithAConstantSizeKeepsItsRatioAtAnySize()
    {
        var m = new TfliteTestModel();
        var input = m.Input(1, 2, 2, 1);
        m.Output(m.Op(TfliteOperatorKind.ResizeNearestNeighbor, [input, m.ConstInt32([4, 4], 2)], [1, 4, 4, 1]));

        var (data, shape) = m.Run(null, ([1, 2, 3, 4, 5, 6], [1, 3, 2, 1])); // 3x2, not the stored 2x2

        Assert.Equal([1L, 6L, 4L, 1L], shape);
        Assert.Equal(
            [1, 1, 2, 2, 1, 1, 2, 2,
             3, 3, 4, 4, 3, 3, 4, 4,
             5, 5, 6, 6, 5, 5, 6, 6],
            data);
    }

    [Fact]
    public void ResizeNearestWithASizeComputedByShapeStridedSliceMulPack()
    {
        // size = PACK(2 * SHAPE(x)[1], 2 * SHAPE(x)[2]), as the dynamic-range transformer computes it.
        var m = new TfliteTestModel();
        var input = m.Input(1, 2, 2, 1);
        var shapeOf = m.Op(TfliteOperatorKind.Shape, [input], [4], type: TfliteTensorType.Int32);
        int Dim(int axis)
        {
            var slice = m.Op(TfliteOperatorKind.StridedSlice,
                [shapeOf, m.ConstInt32([axis], 1), m.ConstInt32([axis + 1], 1), m.ConstInt32([1], 1)], [],
                new TfliteOptions { ShrinkAxisMask = 1 }, TfliteTensorType.Int32);
            return m.Op(TfliteOperatorKind.Mul, [m.ConstInt32([2], []), slice], [], type: TfliteTensorType.Int32);
        }

        var size = m.Op(TfliteOperatorKind.Pack, [Dim(1), Dim(2)], [2], new TfliteOptions { Axis = 0 }, TfliteTensorType.Int32);
        m.Output(m.Op(TfliteOperatorKind.ResizeNearestNeighbor, [input, size], [1, 4, 4, 1]));

        var (data, shape) = m.Run(null, ([1, 2, 3, 4, 5, 6], [1, 3, 2, 1]));

        Assert.Equal([1L, 6L, 4L, 1L], shape);
        Assert.Equal([1f, 1, 2, 2, 1, 1, 2, 2], data[..8]);
        Assert.Equal([5f, 5, 6, 6], data[^4..]);
    }

    [Theory]
    [InlineData(false, new[] { 0.3f, 0.2f, 100f, -1.26f })]
    [InlineData(true, new[] { 0.5f, 0f, 63.5f, -1.5f })] // scale 0.5: round to the grid, clamp to int8
    public void QuantizeDequantizeIsIdentityInFloatAndRoundsWithQdq(bool qdq, float[] expected)
    {
        var quant = new TfliteQuantization([0.5f], [0], 0);
        var m = new TfliteTestModel();
        var input = m.Input(1, 1, 2, 2);
        var q = m.Op(TfliteOperatorKind.Quantize, [input], [1, 1, 2, 2], type: TfliteTensorType.Int8, q: quant);
        m.Output(m.Op(TfliteOperatorKind.Dequantize, [q], [1, 1, 2, 2]));

        var (data, _) = m.Run(new TfliteImportOptions { QuantizedActivations = qdq }, ([0.3f, 0.2f, 100f, -1.26f], [1, 1, 2, 2]));

        AssertClose(expected, data);
    }

    [Fact]
    public void UnsupportedOperatorsAreNamedInOneLine()
    {
        var m = new TfliteTestModel();
        var input = m.Input(1, 2, 2, 1);
        var a = m.Tensor([1, 2, 2, 1]);
        m.RawOp(9, [input], a);  // FULLY_CONNECTED
        var b = m.Tensor([1, 2, 2, 1]);
        m.RawOp(9, [a], b);
        var c = m.Tensor([1, 2, 2, 1]);
        m.RawOp(39, [b], c);  // TRANSPOSE
        m.Output(c);

        var ex = Assert.Throws<UserFacingException>(() => m.ToOnnx());

        Assert.Contains("FULLY_CONNECTED (2), TRANSPOSE (1)", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void ConversionIsDeterministic()
    {
        var m = new TfliteTestModel();
        var input = m.Input(1, 4, 4, 1);
        m.Output(m.Op(TfliteOperatorKind.Conv2D, [input, m.Const(Ramp(9, 0.1f, 0), 1, 3, 3, 1), m.Const([0f], 1)], [1, 4, 4, 1], new TfliteOptions { SamePadding = true }));

        Assert.Equal(m.ToOnnx(), m.ToOnnx());
    }

    // ---- hand computations (NHWC, batch 1) ------------------------------------------------------

    private static float[] Ramp(int count, float step, float start, float wrap = 0)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = wrap > 0 ? start + ((i * step) % wrap) : start + (i * step);
        }

        return values;
    }

    /// <summary>TF's CONV_2D: weights [out, kh, kw, in]; SAME pads (out-1)*s + k - in, half (rounded down) before.</summary>
    private static float[] Conv(float[] x, int h, int w, int cin, float[] wts, int cout, int kh, int kw, float[] bias, int stride, bool same, out int oh, out int ow)
    {
        oh = same ? (h + stride - 1) / stride : ((h - kh) / stride) + 1;
        ow = same ? (w + stride - 1) / stride : ((w - kw) / stride) + 1;
        var padTop = same ? Math.Max(((oh - 1) * stride) + kh - h, 0) / 2 : 0;
        var padLeft = same ? Math.Max(((ow - 1) * stride) + kw - w, 0) / 2 : 0;
        var result = new float[oh * ow * cout];
        for (var y = 0; y < oh; y++)
        {
            for (var xx = 0; xx < ow; xx++)
            {
                for (var o = 0; o < cout; o++)
                {
                    double sum = bias[o];
                    for (var ky = 0; ky < kh; ky++)
                    {
                        for (var kx = 0; kx < kw; kx++)
                        {
                            var (sy, sx) = ((y * stride) + ky - padTop, (xx * stride) + kx - padLeft);
                            if (sy < 0 || sy >= h || sx < 0 || sx >= w)
                            {
                                continue;
                            }

                            for (var i = 0; i < cin; i++)
                            {
                                sum += x[(((sy * w) + sx) * cin) + i] * wts[(((((o * kh) + ky) * kw) + kx) * cin) + i];
                            }
                        }
                    }

                    result[(((y * ow) + xx) * cout) + o] = (float)sum;
                }
            }
        }

        return result;
    }

    /// <summary>TF's DEPTHWISE_CONV_2D, stride 1, SAME: weights [1, k, k, cin*mult], output channel c*mult+m reads input channel c.</summary>
    private static float[] Depthwise(float[] x, int h, int w, int cin, int mult, float[] wts, int k, float[] bias)
    {
        var cout = cin * mult;
        var pad = (k - 1) / 2;
        var result = new float[h * w * cout];
        for (var y = 0; y < h; y++)
        {
            for (var xx = 0; xx < w; xx++)
            {
                for (var oc = 0; oc < cout; oc++)
                {
                    double sum = bias[oc];
                    for (var ky = 0; ky < k; ky++)
                    {
                        for (var kx = 0; kx < k; kx++)
                        {
                            var (sy, sx) = (y + ky - pad, xx + kx - pad);
                            if (sy >= 0 && sy < h && sx >= 0 && sx < w)
                            {
                                sum += x[(((sy * w) + sx) * cin) + (oc / mult)] * wts[(((ky * k) + kx) * cout) + oc];
                            }
                        }
                    }

                    result[(((y * w) + xx) * cout) + oc] = (float)sum;
                }
            }
        }

        return result;
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
