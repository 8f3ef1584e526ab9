using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using VideoStyler.Frames;

namespace VideoStyler.Stylize;

/// <summary>
/// Stylizes frames of one size with one <see cref="StyleSession"/>. Every buffer is allocated once in
/// the constructor. The tensors go through an IoBinding as the provider needs (<see cref="StylizerTensors"/>):
/// on the CPU, pinned float arrays bound once (ONNX Runtime reads and writes our memory directly); on a
/// device provider, pinned staging memory bound again before every run (a bound host input is copied to
/// the device when it is bound, so a bind-once input would keep the first frame). Pre- and
/// post-processing are one OpenCV resize (and a reflect pad when the model needs a size multiple) plus
/// one pass over spans (<see cref="TensorPacking"/>), with the OpenCV wrappers cached: a frame costs no
/// managed allocation.
/// </summary>
internal sealed class OnnxStylizer : IStylizer
{
    private readonly StyleSession _style;
    private readonly FrameGeometry _geometry;
    private readonly StylizerTensors _tensors;
    private readonly OrtIoBinding _binding;
    private readonly string _inputName;
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

    /// <param name="style">The style to run.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="processingShortSide">Processing size: the short side in pixels.</param>
    /// <param name="stats">Per-frame stage clocks, or null.</param>
    /// <param name="binding">How tensors are bound; null: what the style's provider needs (tests force <see cref="TensorBindingMode.Rebind"/> on the CPU).</param>
    public OnnxStylizer(StyleSession style, int width, int height, int processingShortSide, PipelineStats? stats = null, TensorBindingMode? binding = null)
    {
        _style = style;
        _stats = stats;
        var convention = style.Convention;
        _geometry = FrameGeometry.Compute(width, height, processingShortSide, convention);
        var (tw, th) = (_geometry.TensorWidth, _geometry.TensorHeight);
        var (cw, ch) = (_geometry.ContentWidth, _geometry.ContentHeight);
        var planeSize = tw * th;

        long[] shape = convention.Layout == TensorLayout.Nchw ? [1, 3, th, tw] : [1, th, tw, 3];
        _tensors = StylizerTensors.Create(style.Session, style.ExecutionProvider, shape, binding ?? StylizerTensors.ModeFor(style.ExecutionProvider));
        _inputName = convention.InputName;
        _binding = style.Session.CreateIoBinding();
        if (style.StyleVectorValue is { } vector)
        {
            // An arbitrary-style model's second input, changed in place between runs (SetStyleVector): bound
            // once on the CPU, bound again before every run on device providers (a bound host input is copied
            // to the device when it is bound).
            _tensors.AddHostInput(style.StyleVectorInputName!, vector);
        }

        _tensors.BindOnce(_binding, convention.InputName, convention.OutputName);

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

    /// <summary>The tensors <see cref="Preprocess"/> fills and <see cref="Postprocess"/> reads, for running another session on them.</summary>
    public StylizerTensors Tensors => _tensors;

    /// <summary>How the tensors are bound.</summary>
    public TensorBindingMode BindingMode => _tensors.Mode;

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
        if (!float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum<float>(_tensors.Output)))
        {
            throw new UserFacingException(
                $"style '{_style.Name}' produced NaN or infinite values on a {_geometry.TensorWidth}x{_geometry.TensorHeight} picture (a broken or incompatible model); its output would be black");
        }
    }

    /// <summary>Runs the model once on the prepared tensor, nothing else (the bare-model benchmark).</summary>
    public void RunModelOnly()
    {
        _tensors.BindForRun(_binding, _inputName);
        _style.Session.RunWithBinding(_runOptions, _binding);
        _tensors.AfterRun(_binding);
    }

    /// <summary>Fills the input tensor from a BGR frame (scale, reflect-pad, convert, reorder channels).</summary>
    public void Preprocess(Mat source)
    {
        _tensors.NextInput();
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
            TensorPacking.ToPlanar(Bytes(padded, pixels), _tensors.Input, _scratch, pixels, _rgb, _in.Scale, _in.Offset);
        }
        else
        {
            TensorPacking.ToInterleaved(Bytes(padded, pixels), _tensors.Input, _scratch, pixels, _rgb, _in.Scale, _in.Offset);
        }
    }

    /// <summary>Turns the output tensor into a BGR frame of the destination size.</summary>
    public void Postprocess(Mat destination)
    {
        var pixels = _geometry.TensorWidth * _geometry.TensorHeight;
        // Saturating: the overshoot of style nets is clamped to 0..255 here.
        if (_planar)
        {
            TensorPacking.FromPlanar(_tensors.Output, Bytes(_output8, pixels), _scratch, pixels, _rgb, _out.Scale, _out.Offset);
        }
        else
        {
            TensorPacking.FromInterleaved(_tensors.Output, Bytes(_output8, pixels), pixels, _rgb, _out.Scale, _out.Offset);
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
            throw new ArgumentException($"expected a continuous 8-bit BGR picture of {pixels} pixels", nameof(mat));
        }

        return new Span<byte>((void*)mat.Data, pixels * 3);
    }

    public void Dispose()
    {
        _binding.Dispose();
        _tensors.Dispose();
        _runOptions.Dispose();
        _cv.Dispose();
        _content.Dispose();
        _padded.Dispose();
        _output8Content.Dispose();
        _output8.Dispose();
    }
}
