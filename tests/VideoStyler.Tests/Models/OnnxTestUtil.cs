using Microsoft.ML.OnnxRuntime;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Models;

/// <summary>Shared helpers for the ONNX model tests: running sessions, test images, the candy reference output.</summary>
internal static class OnnxTestUtil
{
    /// <summary>The test picture at the Johnson models' native 720x720.</summary>
    public static float[] CandyNativeInput { get; } = TestPicture(720, 720);

    private static readonly Lazy<float[]> CandyOutput = new(() =>
    {
        using var session = CreateSession(File.ReadAllBytes(TestPaths.SharedModel("candy.onnx")));
        return Run(session, CandyNativeInput, 1, 3, 720, 720).Data;
    });

    /// <summary>The unmodified candy.onnx's output for <see cref="CandyNativeInput"/> (computed once).</summary>
    public static float[] CandyNativeOutput => CandyOutput.Value;

    public static InferenceSession CreateSession(byte[] model)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = Environment.ProcessorCount,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        return new InferenceSession(model, options);
    }

    /// <summary>Runs a single-input, single-output model.</summary>
    public static (float[] Data, long[] Shape) Run(InferenceSession session, float[] input, params long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [session.InputNames[0]], [value], [session.OutputNames[0]]);
        return (results[0].GetTensorDataAsSpan<float>().ToArray(), results[0].GetTensorTypeAndShape().Shape);
    }

    public static float MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }

    /// <summary>A deterministic planar BGR 0..255 test picture: gradients, a disc and a bar.</summary>
    public static float[] TestPicture(int width, int height)
    {
        var plane = width * height;
        var data = new float[3 * plane];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width) + x;
                var dx = x - (width * 0.4);
                var dy = y - (height * 0.5);
                var inDisc = (dx * dx) + (dy * dy) < Math.Pow(Math.Min(width, height) * 0.25, 2);
                var inBar = x > width * 0.7 && x < width * 0.8;
                data[i] = inBar ? 20f : (float)(255.0 * x / width);
                data[plane + i] = inDisc ? 230f : (float)(255.0 * y / height);
                data[(2 * plane) + i] = inDisc ? 40f : 128f + (float)(100 * Math.Sin(x * 0.05) * Math.Cos(y * 0.07));
            }
        }

        return data;
    }

    /// <summary>Reflect-pads a planar [3,H,W] image at the bottom/right to the given size.</summary>
    public static float[] ReflectPadBottomRight(float[] image, int width, int height, int newWidth, int newHeight)
    {
        var padded = new float[3 * newWidth * newHeight];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < newHeight; y++)
            {
                var sy = y < height ? y : (2 * (height - 1)) - y;
                for (var x = 0; x < newWidth; x++)
                {
                    var sx = x < width ? x : (2 * (width - 1)) - x;
                    padded[(c * newWidth * newHeight) + (y * newWidth) + x] = image[(c * width * height) + (sy * width) + sx];
                }
            }
        }

        return padded;
    }
}
