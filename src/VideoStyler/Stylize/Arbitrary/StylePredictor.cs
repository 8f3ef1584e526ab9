using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using VideoStyler.Models;

namespace VideoStyler.Stylize.Arbitrary;

/// <summary>
/// Turns a picture into Magenta's 100-number style vector with the shipped style predictor.
/// Preprocessing, as Magenta's TFLite example does it: scale the picture so its short side is 256
/// (area interpolation when shrinking, bilinear when enlarging), take the central 256x256 square,
/// RGB, values 0..1. One session, created once; <see cref="Predict"/> is not thread-safe.
/// </summary>
internal sealed class StylePredictor : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly float[] _tensor;
    private readonly OrtValue _input;
    private readonly RunOptions _runOptions = new();

    private StylePredictor(InferenceSession session)
    {
        _session = session;
        _inputName = session.InputNames[0];
        _outputName = session.OutputNames[0];
        var size = MagentaModels.PredictorSize;
        _tensor = GC.AllocateArray<float>(size * size * 3, pinned: true);
        _input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _tensor.AsMemory(), [1, size, size, 3]);
    }

    /// <summary>Loads the shipped predictor (or <paramref name="source"/>) on the CPU.</summary>
    public static StylePredictor Load(StyleSource? source = null, int intraOpThreads = 0)
    {
        source ??= MagentaModels.Predictor();
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads > 0 ? intraOpThreads : Environment.ProcessorCount,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            var bytes = source.ModelBytes ?? File.ReadAllBytes(source.ModelPath!);
            return new StylePredictor(new InferenceSession(bytes, options));
        }
        catch (OnnxRuntimeException ex)
        {
            throw new UserFacingException($"style predictor {source.Origin} cannot be loaded: {ex.Message.Split('\n')[0]}");
        }
    }

    /// <summary>The style vector of a picture file (read by <see cref="StyleImage.Load"/>, with its checks).</summary>
    public float[] PredictFile(string path)
    {
        using var image = StyleImage.Load(path);
        return Predict(image);
    }

    /// <summary>The style vector of a BGR 8UC3 picture of any size (at least 1x1).</summary>
    public float[] Predict(Mat bgr)
    {
        if (bgr.Empty() || bgr.Type() != MatType.CV_8UC3)
        {
            throw new ArgumentException("expected a non-empty 8-bit BGR picture", nameof(bgr));
        }

        var size = MagentaModels.PredictorSize;
        var scale = (double)size / Math.Min(bgr.Width, bgr.Height);
        var width = Math.Max(size, (int)Math.Round(bgr.Width * scale));
        var height = Math.Max(size, (int)Math.Round(bgr.Height * scale));
        using var resized = new Mat();
        Cv2.Resize(bgr, resized, new Size(width, height), 0, 0, scale < 1 ? InterpolationFlags.Area : InterpolationFlags.Linear);
        using var square = new Mat(resized, new Rect((width - size) / 2, (height - size) / 2, size, size));
        using var rgb = new Mat();
        Cv2.CvtColor(square, rgb, ColorConversionCodes.BGR2RGB);
        using var floats = new Mat(size, size, MatType.CV_32FC3);
        rgb.ConvertTo(floats, MatType.CV_32FC3, 1.0 / 255.0);
        floats.GetContinuousSpan<float>(_tensor.Length).CopyTo(_tensor);

        using var outputs = _session.Run(_runOptions, [_inputName], [_input], [_outputName]);
        var vector = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        if (vector.Length != MagentaModels.VectorLength)
        {
            throw new UserFacingException($"the style predictor gave {vector.Length} numbers, not {MagentaModels.VectorLength}");
        }

        return vector;
    }

    public void Dispose()
    {
        _input.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
