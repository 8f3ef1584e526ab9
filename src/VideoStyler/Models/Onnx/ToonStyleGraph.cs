using VideoStyler.Models.Onnx.Proto;
using static VideoStyler.Models.Onnx.OnnxGraphBuilder;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// Generates the built-in 'toon' style: a small, non-neural ONNX graph (opset 13) that turns a
/// frame into a cartoon-like picture. It takes <c>input</c> float32 [1,3,height,width], BGR 0..255,
/// any height/width of at least <see cref="MinimumSize"/> pixels, and gives <c>output</c> with the same shape and convention.
/// <list type="number">
/// <item>Edge-preserving smoothing: a soft Kuwahara filter. The frame is reflect-padded, box means
/// and box means of squares are taken over the four (r+1)x(r+1) windows that touch each pixel
/// (top-left, top-right, bottom-left, bottom-right), and every pixel gets the window means blended
/// by weights that fall steeply with the window's luminance variance. Flat areas are smoothed, while
/// near an edge the windows that straddle it have a high variance and lose, so edges stay sharp.</item>
/// <item>Colour quantization on luminance only (chroma is kept and slightly boosted): luminance is
/// pushed towards a few flat levels with a tanh-smoothed staircase, so flat cel-shaded areas appear
/// without jagged banding noise.</item>
/// <item>Dark outlines: a Sobel gradient on the smoothed luminance (reflect-padded, so the frame
/// border is not an edge), mapped through a soft threshold and multiplied into the colour.</item>
/// <item>Clip to 0..255.</item>
/// </list>
/// Every op is a cheap element-wise op, a pooling or a tiny convolution, so a 640x480 frame takes
/// a few tens of milliseconds on two CPU cores in ONNX Runtime.
/// </summary>
internal static class ToonStyleGraph
{
    public const string InputName = "input";
    public const string OutputName = "output";
    public const string StyleName = "toon";
    public const int OpsetVersion = 13;

    /// <summary>Smallest height and width the graph accepts (reflect padding needs dims larger than the pad).</summary>
    public const int MinimumSize = 4;

    // Kuwahara window: each of the four windows is (radius + 1) pixels square.
    private static readonly int KuwaharaRadius = MinimumSize - 1;

    // How steeply the window weights fall with variance (the exponent of 1/variance; a power of 2).
    private static readonly int VarianceSharpness = 8;

    // Added to the window variances, in (0..255)^2 units, so windows in flat areas get equal weights.
    private static readonly float VarianceFloor = 4f;

    // Number of luminance levels and how sharp the transitions between them are (in units of 1/step).
    private static readonly int LuminanceLevels = 8;
    private static readonly float LevelSharpness = 5f;

    // How much of the quantized luminance replaces the smooth one (1 = hard cel shading).
    private static readonly float QuantizationAmount = 0.85f;

    // Chroma gain applied around the luminance: > 1 gives a more vivid palette.
    private static readonly float Saturation = 1.3f;

    // Sobel gradient magnitude where outlines start and where they are fully dark.
    // A step of d grey levels gives a magnitude of 4d.
    private static readonly float EdgeLow = 60f;
    private static readonly float EdgeHigh = 220f;

    // Darkness of a full outline (1 = black).
    private static readonly float EdgeStrength = 0.9f;

    // BGR luminance weights (Rec. 601).
    private static readonly float[] LumaWeightsBgr = [0.114f, 0.587f, 0.299f];

    /// <summary>Builds the toon model. The same call always produces the same bytes.</summary>
    public static ModelProto Build()
    {
        var b = new OnnxGraphBuilder("videostyler_toon")
            .Producer("VideoStyler", "1")
            .IrVersion(7)
            .Opset(OpsetVersion)
            .DocString("VideoStyler 'toon' style: soft Kuwahara smoothing, luminance quantization and Sobel outlines. BGR 0..255 in and out.")
            .Metadata("videostyler.style", StyleName)
            .Metadata("videostyler.channel_order", "BGR")
            .Metadata("videostyler.range", "0..255")
            .Metadata("videostyler.generator", "VideoStyler.Models.Onnx.ToonStyleGraph")
            .Input(InputName, TensorProto.Types.DataType.Float, 1, 3, "height", "width");

        var (smooth, luma) = Kuwahara(b, InputName);
        var colour = QuantizedColour(b, smooth, luma);
        var edges = EdgeMask(b, luma);

        var keep = b.Apply("Sub", [b.Constant(1f), b.Apply("Mul", [edges, b.Constant(EdgeStrength)])]);
        var inked = b.Apply("Mul", [colour, keep]);
        b.Node("Clip", [inked, b.Constant(0f), b.Constant(255f)], [OutputName]);
        b.Output(OutputName, TensorProto.Types.DataType.Float, 1, 3, "height", "width");
        return b.Build();
    }

    // Returns the smoothed BGR frame [1,3,H,W] and its luminance [1,1,H,W].
    private static (string Bgr, string Luma) Kuwahara(OnnxGraphBuilder b, string x)
    {
        var r = KuwaharaRadius;
        var padded = ReflectPad(b, x, r);
        var luma = b.Apply(
            "ReduceSum",
            [b.Apply("Mul", [padded, b.Constant(LumaWeightsBgr, 1, 3, 1, 1)]), b.Constant([1L], 1)],
            Attr("keepdims", 1L));
        var lumaSquared = b.Apply("Mul", [luma, luma]);
        var stacked = b.Apply("Concat", [padded, luma, lumaSquared], Attr("axis", 1L));

        // Separable box mean over (r+1)x(r+1) windows: [1,5,H+r,W+r]; entry (i,j) is the window
        // whose top-left corner is padded pixel (i,j). Channels: B, G, R, Y, Y^2 means.
        var rows = b.Apply("AveragePool", [stacked], Attr("kernel_shape", r + 1L, 1L));
        var boxes = b.Apply("AveragePool", [rows], Attr("kernel_shape", 1L, r + 1L));
        var meanBgr = b.UniqueName("mean_bgr");
        var meanLuma = b.UniqueName("mean_luma");
        var meanLumaSquared = b.UniqueName("mean_luma_squared");
        b.Node("Split", [boxes, b.Constant([3L, 1L, 1L], 3)], [meanBgr, meanLuma, meanLumaSquared], Attr("axis", 1L));

        // Luminance variance of each window plus a floor: [1,1,H+r,W+r].
        var variance = b.Apply("Max", [
            b.Apply("Sub", [meanLumaSquared, b.Apply("Mul", [meanLuma, meanLuma])]),
            b.Constant(0f),
        ]);
        var flooredVariance = b.Apply("Add", [variance, b.Constant(VarianceFloor)]);

        // The four windows that touch output pixel (y,x) start at (y,x), (y,x+r), (y+r,x), (y+r,x+r).
        var spatialAxes = b.Constant([2L, 3L], 2);
        var windowBgr = new List<string>();
        var windowLuma = new List<string>();
        var windowVariance = new List<string>();
        foreach (var (top, left) in new[] { (0, 0), (0, r), (r, 0), (r, r) })
        {
            var starts = b.Constant([(long)top, left], 2);
            var ends = b.Constant([top == 0 ? -r : long.MaxValue, left == 0 ? -r : long.MaxValue], 2);
            windowBgr.Add(b.Apply("Slice", [meanBgr, starts, ends, spatialAxes]));
            windowLuma.Add(b.Apply("Slice", [meanLuma, starts, ends, spatialAxes]));
            windowVariance.Add(b.Apply("Slice", [flooredVariance, starts, ends, spatialAxes]));
        }

        // weight_k = (min variance / variance_k)^sharpness: 1 for the calmest window, falling
        // steeply for windows that straddle an edge; then normalized to sum to 1.
        var minimum = b.Apply("Min", windowVariance);
        var weights = new List<string>();
        for (var k = 0; k < 4; k++)
        {
            var weight = b.Apply("Div", [minimum, windowVariance[k]]);
            for (var power = 1; power < VarianceSharpness; power *= 2)
            {
                weight = b.Apply("Mul", [weight, weight]);
            }

            weights.Add(weight);
        }

        var inverseTotal = b.Apply("Reciprocal", [b.Apply("Sum", weights)]);
        string? bgr = null;
        string? smoothLuma = null;
        for (var k = 0; k < 4; k++)
        {
            var weight = b.Apply("Mul", [weights[k], inverseTotal]);
            var bgrTerm = b.Apply("Mul", [windowBgr[k], weight]);
            var lumaTerm = b.Apply("Mul", [windowLuma[k], weight]);
            bgr = bgr is null ? bgrTerm : b.Apply("Add", [bgr, bgrTerm]);
            smoothLuma = smoothLuma is null ? lumaTerm : b.Apply("Add", [smoothLuma, lumaTerm]);
        }

        return (bgr!, smoothLuma!);
    }

    private static string QuantizedColour(OnnxGraphBuilder b, string bgr, string luma)
    {
        // Levels at k*step (k = 0..L-1), so black stays black and white stays white; transitions
        // sit half-way between levels. q = boundary + step/2 * tanh(sharpness/step * (y - boundary)).
        var step = 255f / (LuminanceLevels - 1);
        var scaled = b.Apply("Div", [luma, b.Constant(step)]);
        var boundary = b.Apply("Mul", [b.Apply("Add", [b.Apply("Floor", [scaled]), b.Constant(0.5f)]), b.Constant(step)]);
        var offset = b.Apply("Sub", [luma, boundary]);
        var ramp = b.Apply("Tanh", [b.Apply("Mul", [offset, b.Constant(LevelSharpness / step)])]);
        var quantized = b.Apply("Add", [boundary, b.Apply("Mul", [ramp, b.Constant(step / 2f)])]);

        // new luma = luma + amount * (quantized - luma);
        // colour = new luma + saturation * (bgr - luma) = saturation * bgr + (new luma - saturation * luma).
        var newLuma = b.Apply("Add", [luma, b.Apply("Mul", [b.Apply("Sub", [quantized, luma]), b.Constant(QuantizationAmount)])]);
        var shift = b.Apply("Sub", [newLuma, b.Apply("Mul", [luma, b.Constant(Saturation)])]);
        return b.Apply("Add", [b.Apply("Mul", [bgr, b.Constant(Saturation)]), shift]);
    }

    private static string EdgeMask(OnnxGraphBuilder b, string luma)
    {
        var padded = ReflectPad(b, luma, 1);
        float[] sobel =
        [
            -1, 0, 1, -2, 0, 2, -1, 0, 1, // d/dx
            -1, -2, -1, 0, 0, 0, 1, 2, 1, // d/dy
        ];
        var gradient = b.Apply("Conv", [padded, b.Constant(sobel, 2, 1, 3, 3)]);
        var squared = b.Apply("Mul", [gradient, gradient]);
        var magnitude = b.Apply("Sqrt", [b.Apply("ReduceSum", [squared, b.Constant([1L], 1)], Attr("keepdims", 1L))]);

        // Soft threshold: 0 below EdgeLow, 1 above EdgeHigh, linear between.
        var ramp = b.Apply("Mul", [b.Apply("Sub", [magnitude, b.Constant(EdgeLow)]), b.Constant(1f / (EdgeHigh - EdgeLow))]);
        return b.Apply("Clip", [ramp, b.Constant(0f), b.Constant(1f)]);
    }

    private static string ReflectPad(OnnxGraphBuilder b, string x, long pad)
    {
        var pads = b.Constant([0L, 0L, pad, pad, 0L, 0L, pad, pad], 8);
        return b.Apply("Pad", [x, pads], Attr("mode", "reflect"));
    }
}
