using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using VideoStyler.Pipeline;

namespace VideoStyler.Stylize;

/// <summary>
/// Stylizes frames of one size with one <see cref="StyleSession"/>. Every buffer is allocated once in
/// the constructor: the input and output tensors are pinned float arrays wrapped by OrtValues (fed to
/// Run with preallocated outputs, so ONNX Runtime writes straight into our memory), and the OpenCV
/// Mats that pre/post-processing write to are headers over those same arrays.
/// </summary>
public sealed class OnnxStylizer : IStylizer
{
    private readonly StyleSession _style;
    private readonly FrameGeometry _geometry;
    private readonly float[] _inputTensor;
    private readonly float[] _outputTensor;
    private readonly OrtValue _inputValue;
    private readonly OrtValue _outputValue;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();

    private readonly Mat _content;        // frame scaled to the processing size, 8UC3
    private readonly Mat _padded;         // content reflect-padded to the tensor size, 8UC3
    private readonly Mat _paddedRgb;      // channel-swapped copy, only for NHWC RGB models
    private readonly Mat _paddedFloat;    // padded as 32FC3 in the model's range (NCHW path)
    private readonly Mat[] _inputPlanes;  // 3 x 32FC1 headers over _inputTensor (NCHW)
    private readonly Mat? _inputInterleaved;  // 32FC3 header over _inputTensor (NHWC)
    private readonly Mat[] _outputPlanes;
    private readonly Mat? _outputInterleaved;
    private readonly Mat _outputFloat;    // model output as 32FC3, BGR order
    private readonly Mat _output8;        // model output as 8UC3 BGR, tensor size
    private readonly Mat _output8Content; // ROI header: the content rectangle of _output8
    private readonly int[] _toModelChannels;
    private readonly int[] _fromModelChannels;
    private readonly (double Scale, double Offset) _in;
    private readonly (double Scale, double Offset) _out;
    private readonly PipelineStats? _stats;

    public OnnxStylizer(StyleSession style, int width, int height, int processingShortSide, PipelineStats? stats = null)
    {
        _style = style;
        _stats = stats;
        var convention = style.Convention;
        _geometry = FrameGeometry.Compute(width, height, processingShortSide, convention);
        var (tw, th) = (_geometry.TensorWidth, _geometry.TensorHeight);
        var (cw, ch) = (_geometry.ContentWidth, _geometry.ContentHeight);
        var planeSize = tw * th;

        _inputTensor = GC.AllocateArray<float>(3 * planeSize, pinned: true);
        _outputTensor = GC.AllocateArray<float>(3 * planeSize, pinned: true);
        long[] shape = convention.Layout == TensorLayout.Nchw ? [1, 3, th, tw] : [1, th, tw, 3];
        _inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _inputTensor.AsMemory(), shape);
        _outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _outputTensor.AsMemory(), shape);
        // Bound once: every Run reads and writes the same pinned arrays, nothing is marshalled per frame.
        _binding = style.Session.CreateIoBinding();
        _binding.BindInput(convention.InputName, _inputValue);
        _binding.BindOutput(convention.OutputName, _outputValue);

        _content = new Mat(ch, cw, MatType.CV_8UC3);
        _padded = new Mat(th, tw, MatType.CV_8UC3);
        _paddedRgb = new Mat(th, tw, MatType.CV_8UC3);
        _paddedFloat = new Mat(th, tw, MatType.CV_32FC3);
        _outputFloat = new Mat(th, tw, MatType.CV_32FC3);
        _output8 = new Mat(th, tw, MatType.CV_8UC3);
        _output8Content = new Mat(_output8, new Rect(0, 0, cw, ch));

        if (convention.Layout == TensorLayout.Nchw)
        {
            _inputPlanes = [.. Enumerable.Range(0, 3).Select(i => WrapFloats(_inputTensor, i * planeSize, th, tw, MatType.CV_32FC1))];
            _outputPlanes = [.. Enumerable.Range(0, 3).Select(i => WrapFloats(_outputTensor, i * planeSize, th, tw, MatType.CV_32FC1))];
        }
        else
        {
            _inputPlanes = [];
            _outputPlanes = [];
            _inputInterleaved = WrapFloats(_inputTensor, 0, th, tw, MatType.CV_32FC3);
            _outputInterleaved = WrapFloats(_outputTensor, 0, th, tw, MatType.CV_32FC3);
        }

        // Our frames are BGR. mixChannels pairs (from, to): BGR models take channels as they are,
        // RGB models take them reversed; the way back is the same permutation.
        _toModelChannels = convention.ChannelOrder == ChannelOrder.Bgr ? [0, 0, 1, 1, 2, 2] : [2, 0, 1, 1, 0, 2];
        _fromModelChannels = convention.ChannelOrder == ChannelOrder.Bgr ? [0, 0, 1, 1, 2, 2] : [0, 2, 1, 1, 2, 0];
        _in = convention.Range.FromByte();
        _out = convention.OutputRange.ToByte();
    }

    public FrameGeometry Geometry => _geometry;

    public StyleSession Style => _style;

    /// <summary>The input tensor <see cref="Preprocess"/> fills, for running another session on it.</summary>
    public OrtValue InputTensor => _inputValue;

    /// <summary>The output tensor <see cref="Postprocess"/> reads.</summary>
    public OrtValue OutputTensor => _outputValue;

    /// <summary>Stylizes <paramref name="source"/> (BGR 8UC3, frame size) into <paramref name="destination"/> (same).</summary>
    public void Process(Mat source, Mat destination)
    {
        var start = Stopwatch.GetTimestamp();
        Preprocess(source);
        _stats?.Preprocess.AddSince(start);

        start = Stopwatch.GetTimestamp();
        RunModel();
        _stats?.Model.AddSince(start);

        start = Stopwatch.GetTimestamp();
        Postprocess(destination);
        _stats?.Postprocess.AddSince(start);
    }

    /// <summary>Runs the model on the prepared tensor into the output tensor; its failures are the user's to read.</summary>
    public void RunModel()
    {
        try
        {
            RunModelOnly();
        }
        catch (OnnxRuntimeException ex)
        {
            throw new UserFacingException(
                $"style '{_style.Name}' failed on a {_geometry.TensorWidth}x{_geometry.TensorHeight} picture: {ex.Message.Split('\n')[0]}");
        }
    }

    /// <summary>Runs the model once on the prepared tensor, nothing else (the bare-model benchmark).</summary>
    public void RunModelOnly() => _style.Session.RunWithBinding(_runOptions, _binding);

    /// <summary>Fills the input tensor from a BGR frame (scale, reflect-pad, convert, reorder channels).</summary>
    public void Preprocess(Mat source)
    {
        var content = source;
        if (_geometry.NeedsResize)
        {
            var shrinking = _geometry.ContentWidth < source.Width;
            Cv2.Resize(source, _content, new Size(_geometry.ContentWidth, _geometry.ContentHeight), 0, 0,
                shrinking ? InterpolationFlags.Area : InterpolationFlags.Linear);
            content = _content;
        }

        var padded = content;
        if (_geometry.NeedsPadding)
        {
            var padRight = _geometry.TensorWidth - _geometry.ContentWidth;
            var padBottom = _geometry.TensorHeight - _geometry.ContentHeight;
            // Reflection keeps texture statistics at the border (zero padding makes style nets paint a
            // frame there); it needs the pad to be smaller than the picture, else replicate.
            var border = padRight < _geometry.ContentWidth && padBottom < _geometry.ContentHeight
                ? BorderTypes.Reflect101
                : BorderTypes.Replicate;
            Cv2.CopyMakeBorder(content, _padded, 0, padBottom, 0, padRight, border);
            padded = _padded;
        }

        if (_inputInterleaved is { } interleaved)
        {
            var ordered = padded;
            if (_style.Convention.ChannelOrder == ChannelOrder.Rgb)
            {
                Cv2.CvtColor(padded, _paddedRgb, ColorConversionCodes.BGR2RGB);
                ordered = _paddedRgb;
            }

            ordered.ConvertTo(interleaved, MatType.CV_32FC3, _in.Scale, _in.Offset);
            return;
        }

        padded.ConvertTo(_paddedFloat, MatType.CV_32FC3, _in.Scale, _in.Offset);
        Cv2.MixChannels([_paddedFloat], _inputPlanes, _toModelChannels);
    }

    /// <summary>Turns the output tensor into a BGR frame of the destination size.</summary>
    public void Postprocess(Mat destination)
    {
        if (_outputInterleaved is { } interleaved)
        {
            interleaved.ConvertTo(_output8, MatType.CV_8UC3, _out.Scale, _out.Offset);
            if (_style.Convention.ChannelOrder == ChannelOrder.Rgb)
            {
                Cv2.CvtColor(_output8, _output8, ColorConversionCodes.RGB2BGR);
            }
        }
        else
        {
            Cv2.MixChannels(_outputPlanes, [_outputFloat], _fromModelChannels);
            // convertTo saturates: the overshoot of style nets is clamped to 0..255 here.
            _outputFloat.ConvertTo(_output8, MatType.CV_8UC3, _out.Scale, _out.Offset);
        }

        if (_geometry.NeedsResize)
        {
            Cv2.Resize(_output8Content, destination, new Size(destination.Width, destination.Height), 0, 0, InterpolationFlags.Linear);
        }
        else
        {
            _output8Content.CopyTo(destination);
        }
    }

    private static unsafe Mat WrapFloats(float[] pinned, int offset, int rows, int cols, MatType type)
    {
        var pointer = (IntPtr)Unsafe.AsPointer(ref pinned[offset]);
        return Mat.FromPixelData(rows, cols, type, pointer);
    }

    public void Dispose()
    {
        _binding.Dispose();
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        foreach (var mat in _inputPlanes.Concat(_outputPlanes))
        {
            mat.Dispose();
        }

        _inputInterleaved?.Dispose();
        _outputInterleaved?.Dispose();
        _content.Dispose();
        _padded.Dispose();
        _paddedRgb.Dispose();
        _paddedFloat.Dispose();
        _outputFloat.Dispose();
        _output8Content.Dispose();
        _output8.Dispose();
    }
}
