using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using VideoStyler.Pipeline;

namespace VideoStyler.Stylize;

/// <summary>
/// Stylizes frames of one size with one <see cref="StyleSession"/>. Every buffer is allocated once in
/// the constructor: the input and output tensors are pinned float arrays wrapped by OrtValues and bound
/// once through an IoBinding (ONNX Runtime reads and writes our memory directly). Pre- and
/// post-processing are one OpenCV resize (and a reflect pad when the model needs a size multiple) plus
/// one pass over spans (<see cref="TensorPacking"/>), with the OpenCV wrappers cached: a frame costs no
/// managed allocation.
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
    private readonly Mat _output8;        // model output as 8UC3 BGR, tensor size
    private readonly Mat _output8Content; // ROI header: the content rectangle of _output8
    private readonly MatCalls _cv = new();
    private readonly byte[] _scratch;     // pixels x 3 bytes: planes on their way to or from the tensor
    private readonly bool _planar;
    private readonly bool _rgb;
    private readonly (float Scale, float Offset) _in;
    private readonly (float Scale, float Offset) _out;
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
        if (style.StyleVectorValue is { } vector)
        {
            // An arbitrary-style model's second input: bound once, its values changed in place.
            _binding.BindInput(style.StyleVectorInputName!, vector);
        }

        _content = new Mat(ch, cw, MatType.CV_8UC3);
        _padded = new Mat(th, tw, MatType.CV_8UC3);
        _output8 = new Mat(th, tw, MatType.CV_8UC3);
        _output8Content = new Mat(_output8, new Rect(0, 0, cw, ch));
        _scratch = new byte[3 * planeSize];
        _planar = convention.Layout == TensorLayout.Nchw;
        _rgb = convention.ChannelOrder == ChannelOrder.Rgb;
        var (inScale, inOffset) = convention.Range.FromByte();
        var (outScale, outOffset) = convention.OutputRange.ToByte();
        _in = ((float)inScale, (float)inOffset);
        _out = ((float)outScale, (float)outOffset);
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
        var mark = StageClock.Start();
        Preprocess(source);
        _stats?.Preprocess.AddSince(mark);

        mark = StageClock.Start();
        RunModel();
        _stats?.Model.AddSince(mark);

        mark = StageClock.Start();
        Postprocess(destination);
        _stats?.Postprocess.AddSince(mark);
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

        // NaN or infinity would come out as black pixels in a file that looks fine: a broken model is an
        // error. One SIMD pass over the output (a fraction of a millisecond against the model's run).
        if (!float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum<float>(_outputTensor)))
        {
            throw new UserFacingException(
                $"style '{_style.Name}' produced NaN or infinite values on a {_geometry.TensorWidth}x{_geometry.TensorHeight} picture (a broken or incompatible model); its output would be black");
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
            _cv.Resize(source, _content, shrinking ? InterpolationFlags.Area : InterpolationFlags.Linear);
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
            _cv.PadBottomRight(content, _padded, border);
            padded = _padded;
        }

        if (!padded.IsContinuous())
        {
            // A tile (an ROI of a larger frame) at exactly the tensor size: rows are not adjacent.
            _cv.Copy(padded, _padded);
            padded = _padded;
        }

        var pixels = _geometry.TensorWidth * _geometry.TensorHeight;
        if (_planar)
        {
            TensorPacking.ToPlanar(Bytes(padded, pixels), _inputTensor, _scratch, pixels, _rgb, _in.Scale, _in.Offset);
        }
        else
        {
            TensorPacking.ToInterleaved(Bytes(padded, pixels), _inputTensor, _scratch, pixels, _rgb, _in.Scale, _in.Offset);
        }
    }

    /// <summary>Turns the output tensor into a BGR frame of the destination size.</summary>
    public void Postprocess(Mat destination)
    {
        var pixels = _geometry.TensorWidth * _geometry.TensorHeight;
        // Saturating: the overshoot of style nets is clamped to 0..255 here.
        if (_planar)
        {
            TensorPacking.FromPlanar(_outputTensor, Bytes(_output8, pixels), _scratch, pixels, _rgb, _out.Scale, _out.Offset);
        }
        else
        {
            TensorPacking.FromInterleaved(_outputTensor, Bytes(_output8, pixels), pixels, _rgb, _out.Scale, _out.Offset);
        }

        if (_geometry.NeedsResize)
        {
            _cv.Resize(_output8Content, destination, InterpolationFlags.Linear);
        }
        else
        {
            _cv.Copy(_output8Content, destination);
        }
    }

    /// <summary>The pixels of a continuous 8UC3 Mat of <paramref name="pixels"/> pixels as a span.</summary>
    private static unsafe Span<byte> Bytes(Mat mat, int pixels)
    {
        if (!mat.IsContinuous() || mat.Type() != MatType.CV_8UC3 || (long)mat.Rows * mat.Cols != pixels)
        {
            throw new ArgumentException($"expected a continuous 8-bit BGR picture of {pixels} pixels");
        }

        return new Span<byte>((void*)mat.Data, pixels * 3);
    }

    public void Dispose()
    {
        _binding.Dispose();
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        _cv.Dispose();
        _content.Dispose();
        _padded.Dispose();
        _output8Content.Dispose();
        _output8.Dispose();
    }
}
