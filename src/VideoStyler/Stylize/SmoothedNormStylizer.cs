using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using VideoStyler.Frames;
using VideoStyler.Models.Onnx;
using VideoStyler.Temporal;

namespace VideoStyler.Stylize;

/// <summary>
/// Whole-frame stylization with instance-norm statistics carried over time (<see cref="InstanceNormSmoother"/>):
/// each frame is normalised with an exponential moving average of the channel means and variances the
/// network measured on the frames before it (weight <see cref="DefaultKeep"/> for the past by default), reset to the frame's
/// own statistics at the first frame and at every scene cut (<see cref="InputCutDetector"/>). What it removes
/// is the network's global shimmer: tone and contrast that move with every small change of the picture's
/// overall statistics. Nothing is blended in pixel space, so nothing blurs. Pre- and post-processing, tensors
/// and geometry are those of an <see cref="OnnxStylizer"/>; the statistics arrays are pinned and bound once.
/// Frames must come in order (it is a stateful stage).
/// </summary>
internal sealed class SmoothedNormStylizer : IStylizer
{
    /// <summary>
    /// Weight of the past in the moving average: 0.9 is a time constant of about ten frames (a third of a
    /// second at 30 fps), long against frame-to-frame noise, short against lighting changes.
    /// </summary>
    public const float DefaultKeep = 0.9f;

    private readonly OnnxStylizer _frame;
    private readonly InferenceSession _session;
    private readonly InputCutDetector _cuts;
    private readonly PipelineStats? _stats;
    private readonly RunOptions _runOptions = new();
    private readonly NormStatisticsCarry _carry;
    private bool _fresh = true;
    private readonly OrtIoBinding _binding;
    private readonly string _inputName;

    private SmoothedNormStylizer(StyleSession style, OnnxStylizer frame, InferenceSession session, InstanceNormSmoothing smoothing, int width, int height, PipelineStats? stats, float keep)
    {
        _frame = frame;
        _session = session;
        _stats = stats;
        _cuts = new InputCutDetector(width, height, new TemporalOptions());
        _carry = new NormStatisticsCarry(smoothing, keep);

        // As the frame stylizer binds its own: outputs once, inputs once on the CPU and before every run on
        // a device provider (the host inputs change every frame).
        var convention = style.Convention;
        var tensors = frame.Tensors;
        _inputName = convention.InputName;
        _binding = session.CreateIoBinding();
        _binding.BindOutput(convention.OutputName, tensors.OutputValue);
        if (tensors.Mode == TensorBindingMode.ZeroCopy)
        {
            _binding.BindInput(convention.InputName, tensors.InputValue);
        }

        _carry.Bind(_binding);
    }

    public StyleSession Style => _frame.Style;

    /// <summary>Instance norms whose statistics are smoothed.</summary>
    public int Layers => _carry.Layers;

    /// <summary>True when the last frame started afresh (the first frame, or a scene cut).</summary>
    public bool LastFrameWasReset { get; private set; }

    /// <summary>
    /// A smoothing stylizer for <paramref name="style"/> at this frame size, or null when the style has no
    /// instance norms (or an NHWC layout, or a rewrite ONNX Runtime does not load): the caller falls back to
    /// a plain <see cref="OnnxStylizer"/> and says so.
    /// </summary>
    /// <param name="style">The loaded style.</param>
    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="processingShortSide">Processing size: the short side in pixels.</param>
    /// <param name="stats">Where the stylize stages' times are counted, or null.</param>
    /// <param name="keep">Weight of the past in the moving average, 0..1 (1 freezes the first frame's statistics until a cut).</param>
    public static SmoothedNormStylizer? TryCreate(
        StyleSession style, int width, int height, int processingShortSide, PipelineStats? stats = null, float keep = DefaultKeep)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keep, 1f);
        if (style.Convention.Layout != TensorLayout.Nchw || style.ParseModel() is not { } model || InstanceNormSmoother.TryRewrite(model) is not { } smoothing)
        {
            return null;
        }

        var frame = new OnnxStylizer(style, width, height, processingShortSide, stats);
        InferenceSession? session = null;
        try
        {
            session = style.CreateSession(smoothing.Model);
            return new SmoothedNormStylizer(style, frame, session, smoothing, width, height, stats, keep);
        }
        catch (OnnxRuntimeException)
        {
            session?.Dispose();
            frame.Dispose();
            return null;
        }
    }

    /// <summary>Starts afresh on the next frame, as after a scene cut.</summary>
    public void Reset() => _fresh = true;

    public void Process(Mat source, Mat destination)
    {
        var mark = StageClock.Start();
        _frame.Preprocess(source);
        var cut = _cuts.IsCut(source);
        _stats?.Preprocess.AddSince(mark);

        mark = StageClock.Start();
        LastFrameWasReset = cut || _fresh;
        _carry.BeforeRun(LastFrameWasReset);
        try
        {
            _frame.Tensors.BindForRun(_binding, _inputName);
            if (_frame.Tensors.Mode == TensorBindingMode.Rebind)
            {
                _carry.BindInputs(_binding);
            }

            _session.RunWithBinding(_runOptions, _binding);
            _frame.Tensors.AfterRun(_binding);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new UserFacingException(
                $"style '{Style.Name}' failed on a {_frame.Geometry.TensorWidth}x{_frame.Geometry.TensorHeight} picture: {ex.Message.Split('\n')[0]}");
        }

        _carry.AfterRun();
        _fresh = false;
        _stats?.Model.AddSince(mark);

        mark = StageClock.Start();
        _frame.Postprocess(destination);
        _stats?.Postprocess.AddSince(mark);
    }

    public void Dispose()
    {
        _binding.Dispose();
        _carry.Dispose();

        _runOptions.Dispose();
        _session.Dispose();
        _cuts.Dispose();
        _frame.Dispose();
    }
}
