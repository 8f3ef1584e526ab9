using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using VideoStyler.Flow;
using VideoStyler.Frames;
using VideoStyler.Models.Onnx;
using VideoStyler.Temporal;

namespace VideoStyler.Stylize;

/// <summary>
/// Temporal consistency inside the network: the style network is cut at its bottleneck
/// (<see cref="BottleneckSplitter"/>); each frame runs the encoder, the previous frame's (already stabilised)
/// bottleneck features are warped onto it (bicubic) with optical flow measured on the input at twice the feature
/// resolution and scaled down to it (features at 1/4 of the processing size for the Johnson networks: flow at 1/2),
/// and the two are blended per position:
/// <c>features += Keep x confidence x (warped previous - features)</c>, with the flow's confidence
/// (<see cref="FlowConfidence"/>: forward-backward consistency and input warp error) so occluded or new
/// content takes the current features. The decoder then draws crisp strokes from the stable features:
/// nothing is blended in pixel space. Scene cuts (<see cref="SceneCutDetector"/> on the mean confidence)
/// and the first frame start afresh (the whole network's output exactly). Frames must come in order.
/// Buffers and bindings are made once; the feature shape is learned by one encoder run at creation.
/// An arbitrary-style transformer's style vector (<see cref="StyleSession.StyleVectorValue"/>) goes to whichever
/// part reads it (both, for Magenta's conditional instance norms), bound as the whole network binds it: once on
/// the CPU, again before every run on a device provider, so <see cref="StyleSession.SetStyleVector"/> between
/// frames takes effect in both parts.
/// </summary>
internal sealed class FeatureFlowStylizer : IStylizer
{
    /// <summary>
    /// Weight of the warped history where the flow is fully trusted. Measured on help.mkv (candy, lossless,
    /// processing size 240): 0.8 gives flicker ratio 0.12 at sharpness 0.94.
    /// </summary>
    public const float DefaultKeep = 0.8f;

    /// <summary>
    /// The flow is measured at this many times the feature resolution (at most the processing size) and scaled down
    /// to it. Measured on help.mkv (first 60 frames, starry-night, size 480, h264; flicker ratio / gram retention /
    /// content ratio / sharpness): at the feature resolution 0.310 / 0.872 / 1.009 / 0.846, at twice it 0.294 / 0.879 /
    /// 1.008 / 0.885 (with the bicubic warp: 0.309 / 0.912 / 1.007 / 0.914). The flow is tracked on from the last
    /// pair's (<see cref="FarnebackFlowEstimator.Track"/>) and its confidence measured at the feature resolution,
    /// which holds the cost to about 5 ms a frame more than at the feature resolution (bench, starry-night, 480).
    /// </summary>
    public const int FlowOversampling = 2;

    /// <summary>
    /// How the history is warped. The stabilised features are warped again every frame, so a bilinear warp's softening
    /// adds up; bicubic keeps them crisper (same clip as <see cref="FlowOversampling"/>, flow at the feature resolution:
    /// bilinear 0.310 / 0.872 / 1.009 / 0.846, bicubic 0.327 / 0.897 / 1.006 / 0.893).
    /// </summary>
    public const InterpolationFlags HistoryInterpolation = InterpolationFlags.Cubic;

    /// <summary>The keep weight for a --temporal strength: 1.6 x strength (the default 0.5 gives <see cref="DefaultKeep"/>), at most 1.</summary>
    public static float KeepFor(double strength) => (float)Math.Clamp(1.6 * strength, 0, 1);

    private readonly OnnxStylizer _frame;
    private readonly InferenceSession _encoder;
    private readonly InferenceSession _decoder;
    private readonly OrtIoBinding _encoderBinding;
    private readonly OrtIoBinding _decoderBinding;
    private readonly RunOptions _runOptions = new();
    private readonly string _inputName;
    private readonly (string Name, OrtValue Value)? _encoderVector;  // the style vector, where the part reads it
    private readonly (string Name, OrtValue Value)? _decoderVector;
    private readonly OrtValue _featuresValue;
    private readonly float[] _features;
    private readonly float[] _history;
    private readonly Mat[] _currentPlanes;  // ROI headers (the content part) over _features, one per channel
    private readonly Mat[] _historyPlanes;  // the same over _history
    private readonly Mat[] _planeHeaders;   // the full-plane headers the ROIs come from
    private readonly float _keep;
    private readonly PipelineStats? _stats;
    private readonly MatCalls _cv = new();
    private readonly MatBuffers _buffers = new();
    private readonly FarnebackFlowEstimator _flow;
    private readonly LumaScaler _lumaScaler;
    private readonly FlowConfidence _confidence;
    private readonly SceneCutDetector _cuts = new(new TemporalOptions().SceneCutDrop);
    private readonly Mat _noMap;
    private readonly Mat _grid;
    private readonly Mat _map;
    private readonly Mat _backward;
    private readonly Mat _forward;
    private readonly Mat _reverseScratch;
    private readonly Mat _trust;
    private readonly Mat _warped;
    private readonly Mat _stay;
    private readonly int _flowFactor;     // flow resolution / feature resolution (FlowOversampling, less for finer features)
    private readonly Mat _flowBackward;   // the flow at flow resolution (the same Mat as _backward when the factor is 1)
    private Mat _featureLuma;             // the luminance at feature resolution, for the confidence (when the factor is above 1)
    private Mat _previousFeatureLuma;
    private Mat _luma;
    private Mat _previousLuma;
    private bool _hasHistory;
    private bool _flowIsWarm;  // _flowBackward holds the last pair's flow (not a first frame or a scene cut)

    private FeatureFlowStylizer(
        StyleSession style, OnnxStylizer frame, InferenceSession encoder, InferenceSession decoder, BottleneckSplit split,
        long[] shape, float keep, PipelineStats? stats)
    {
        _frame = frame;
        _encoder = encoder;
        _decoder = decoder;
        _keep = keep;
        _stats = stats;
        Features = split.Features;
        var (channels, height, width) = ((int)shape[1], (int)shape[2], (int)shape[3]);
        FeatureShape = (channels, height, width);
        var plane = height * width;
        _features = GC.AllocateArray<float>(channels * plane, pinned: true);
        _history = GC.AllocateArray<float>(channels * plane, pinned: true);
        _featuresValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _features.AsMemory(), shape);
        // As the frame stylizer binds its own: outputs once, inputs once on the CPU and before every run on a
        // device provider (where the features, changed on the host between the two parts, are copied again).
        _inputName = style.Convention.InputName;
        var tensors = frame.Tensors;
        _encoderVector = VectorInput(style, encoder);
        _decoderVector = VectorInput(style, decoder);
        _encoderBinding = encoder.CreateIoBinding();
        _encoderBinding.BindOutput(split.Features, _featuresValue);
        _decoderBinding = decoder.CreateIoBinding();
        _decoderBinding.BindInput(split.Features, _featuresValue);
        _decoderBinding.BindOutput(style.Convention.OutputName, tensors.OutputValue);
        if (tensors.Mode == TensorBindingMode.ZeroCopy)
        {
            _encoderBinding.BindInput(_inputName, tensors.InputValue);
            BindVector(_encoderBinding, _encoderVector);
            BindVector(_decoderBinding, _decoderVector);
        }

        // The picture's content covers the top-left part of the tensor (the rest is padding): so do its features.
        var geometry = frame.Geometry;
        var contentWidth = Math.Clamp((int)Math.Round((double)geometry.ContentWidth * width / geometry.TensorWidth), 8, width);
        var contentHeight = Math.Clamp((int)Math.Round((double)geometry.ContentHeight * height / geometry.TensorHeight), 8, height);
        var content = new Rect(0, 0, contentWidth, contentHeight);
        _planeHeaders = new Mat[2 * channels];
        _currentPlanes = new Mat[channels];
        _historyPlanes = new Mat[channels];
        for (var c = 0; c < channels; c++)
        {
            _planeHeaders[c] = PlaneHeader(_features, c * plane, height, width);
            _planeHeaders[channels + c] = PlaneHeader(_history, c * plane, height, width);
            _currentPlanes[c] = new Mat(_planeHeaders[c], content);
            _historyPlanes[c] = new Mat(_planeHeaders[channels + c], content);
        }

        // The flow is measured at FlowOversampling x the feature resolution (at most the processing size), then
        // scaled down to the features with its vectors: finer than the features, it places them more exactly.
        _flowFactor = Math.Clamp((int)Math.Round((double)geometry.TensorHeight / height), 1, FlowOversampling);
        FlowSize = new Size(contentWidth * _flowFactor, contentHeight * _flowFactor);
        var (flowWidth, flowHeight) = (FlowSize.Width, FlowSize.Height);
        _flow = _buffers.Own(new FarnebackFlowEstimator());
        _lumaScaler = _buffers.Own(new LumaScaler(_cv, flowWidth, flowHeight));
        _confidence = _buffers.Own(new FlowConfidence(contentWidth, contentHeight, new TemporalOptions().WarpErrorSigma));
        _noMap = _buffers.Empty();
        _grid = _buffers.Own(FlowMaps.CreateGrid(contentWidth, contentHeight));
        _map = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC2);
        _backward = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC2);
        _trust = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC1);
        _forward = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC2);
        _reverseScratch = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC2);
        var fine = _flowFactor > 1;
        _flowBackward = fine ? _buffers.New(flowHeight, flowWidth, MatType.CV_32FC2) : _backward;
        _featureLuma = fine ? _buffers.New(contentHeight, contentWidth, MatType.CV_8UC1) : _noMap;
        _previousFeatureLuma = fine ? _buffers.New(contentHeight, contentWidth, MatType.CV_8UC1) : _noMap;
        _warped = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC1);
        _stay = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC1);
        _luma = _buffers.New(flowHeight, flowWidth, MatType.CV_8UC1);
        _previousLuma = _buffers.New(flowHeight, flowWidth, MatType.CV_8UC1);
    }

    public StyleSession Style => _frame.Style;

    /// <summary>The bottleneck tensor's name in the graph.</summary>
    public string Features { get; }

    /// <summary>The size the flow is measured at: the features' content part times the oversampling (<see cref="FlowOversampling"/>).</summary>
    public Size FlowSize { get; }

    /// <summary>Channels, height and width of the bottleneck features at this frame size.</summary>
    public (int Channels, int Height, int Width) FeatureShape { get; }

    /// <summary>True when the last frame started afresh (the first frame, or a scene cut).</summary>
    public bool LastFrameWasReset { get; private set; }

    /// <summary>
    /// A feature-flow stylizer for <paramref name="style"/> at this frame size, or null with the reason in
    /// <paramref name="reason"/> when the graph has no bottleneck to cut at (or an NHWC layout, or parts ONNX
    /// Runtime does not load): the caller falls back to the pixel stage and says so.
    /// <paramref name="binding"/>: how tensors are bound; null: what the style's provider needs (tests force
    /// <see cref="TensorBindingMode.Rebind"/> on the CPU). <paramref name="cut"/>: where the network is cut (<see cref="FeatureCut"/>).
    /// </summary>
    public static FeatureFlowStylizer? TryCreate(
        StyleSession style, int width, int height, int processingShortSide, out string? reason, PipelineStats? stats = null, float keep = DefaultKeep,
        TensorBindingMode? binding = null, FeatureCut cut = FeatureCut.Bottleneck)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keep, 1f);
        ArgumentNullException.ThrowIfNull(style);
        if (style.ParseModel() is not { } model)
        {
            reason = "only ONNX graphs can be cut";
            return null;
        }

        if (BottleneckSplitter.TrySplit(model, out reason, style.Convention.InputName, cut) is not { } split)
        {
            return null;
        }

        var frame = new OnnxStylizer(style, width, height, processingShortSide, stats, binding);
        InferenceSession? encoder = null;
        InferenceSession? decoder = null;
        try
        {
            encoder = style.CreateSession(split.Encoder);
            decoder = style.CreateSession(split.Decoder);
            // One run on the (zero) input tensor tells the features' shape at this size.
            using var probeOptions = new RunOptions();
            var vector = VectorInput(style, encoder);
            using var probe = vector is { } v
                ? encoder.Run(probeOptions, [style.Convention.InputName, v.Name], [frame.Tensors.InputValue, v.Value], [split.Features])
                : encoder.Run(probeOptions, [style.Convention.InputName], [frame.Tensors.InputValue], [split.Features]);
            var shape = probe[0].GetTensorTypeAndShape().Shape;
            if (!IsPictureShaped(shape, frame.Geometry))
            {
                reason = $"the bottleneck '{split.Features}' is not a [1, C, H, W] tensor at a fraction of the picture's size";
                decoder.Dispose();
                encoder.Dispose();
                frame.Dispose();
                return null;
            }

            return new FeatureFlowStylizer(style, frame, encoder, decoder, split, shape, keep, stats);
        }
        catch (OnnxRuntimeException ex)
        {
            reason ??= $"its encoder and decoder do not load: {ex.Message.Split('\n')[0]}";
            decoder?.Dispose();
            encoder?.Dispose();
            frame.Dispose();
            return null;
        }
    }

    public void Process(Mat source, Mat destination)
    {
        var mark = StageClock.Start();
        _frame.Preprocess(source);
        _stats?.Preprocess.AddSince(mark);

        mark = StageClock.Start();
        if (_frame.Tensors.Mode == TensorBindingMode.Rebind)
        {
            _encoderBinding.BindInput(_inputName, _frame.Tensors.InputValue);
            BindVector(_encoderBinding, _encoderVector);
        }

        Run(_encoder, _encoderBinding);
        _stats?.Model.AddSince(mark);

        mark = StageClock.Start();
        CarryFeatures(source);
        _stats?.Temporal.AddSince(mark);

        mark = StageClock.Start();
        if (_frame.Tensors.Mode == TensorBindingMode.Rebind)
        {
            _decoderBinding.BindInput(Features, _featuresValue);
            BindVector(_decoderBinding, _decoderVector);
        }

        Run(_decoder, _decoderBinding);
        _stats?.Model.AddSince(mark);

        mark = StageClock.Start();
        _frame.Postprocess(destination);
        _stats?.Postprocess.AddSince(mark);
    }

    /// <summary>Blends the warped history into this frame's features where the flow is trusted, then keeps them as history.</summary>
    private void CarryFeatures(Mat source)
    {
        _lumaScaler.Convert(source, _luma);
        var fresh = !_hasHistory;
        var fine = _flowFactor > 1;
        if (fine)
        {
            _cv.Resize(_luma, _featureLuma, InterpolationFlags.Area);
        }

        if (_hasHistory)
        {
            if (_flowIsWarm)
            {
                // The last pair's backward flow is a close guess (as the pixel stage's FlowPair tracks it on).
                _flow.Track(_luma, _previousLuma, _flowBackward);
            }
            else
            {
                _flow.Compute(_luma, _previousLuma, _flowBackward);
            }

            if (fine)
            {
                // Down to the feature resolution: areas averaged, the vectors shortened with them. The confidence
                // is measured there (at the flow resolution: the same figures for 1.4 ms more a frame).
                _cv.Resize(_flowBackward, _backward, InterpolationFlags.Area);
                _cv.Multiply(_backward, Scalar.All(1.0 / _flowFactor), _backward);
            }

            // The forward flow is the backward one reversed (one Farneback solve a frame, as the pixel stage's
            // FlowPair does): the second solve cost as much as the first for a consistency check that the
            // reversed flow feeds as well (flicker/gram figures in the README's temporal section).
            FlowMaps.Reverse(_cv, _backward, _grid, _map, _reverseScratch, _forward);
            var (luma, previousLuma) = fine ? (_featureLuma, _previousFeatureLuma) : (_luma, _previousLuma);
            fresh = _cuts.IsCut(_confidence.Compute(luma, previousLuma, _backward, _forward, _trust));
        }
        else
        {
            _cuts.Reset();
        }

        LastFrameWasReset = fresh;
        _flowIsWarm = _hasHistory && !fresh;
        if (!fresh)
        {
            FlowMaps.ToSamplingMap(_cv, _backward, _grid, _map);
            _cv.Multiply(_trust, Scalar.All(_keep), _trust);
            _cv.ConvertTo(_trust, _stay, MatType.CV_32FC1, -1, 1);
            for (var c = 0; c < _currentPlanes.Length; c++)
            {
                // features += keep x trust x (warped history - features), as one weighted blend per plane
                // ((1 - w) x features + w x warped; cv::blendLinear's 1e-5 in the divisor is far below the
                // features' precision): one pass where subtract, multiply, add took three. The history is warped
                // bicubically (HistoryInterpolation).
                _cv.Remap(_historyPlanes[c], _warped, _map, _noMap, HistoryInterpolation, BorderTypes.Replicate);
                _cv.BlendLinear(_currentPlanes[c], _warped, _stay, _trust, _currentPlanes[c]);
            }
        }

        _features.AsSpan().CopyTo(_history);
        (_luma, _previousLuma) = (_previousLuma, _luma);
        (_featureLuma, _previousFeatureLuma) = (_previousFeatureLuma, _featureLuma);
        _hasHistory = true;
    }

    private void Run(InferenceSession session, OrtIoBinding binding)
    {
        try
        {
            session.RunWithBinding(_runOptions, binding);
            _frame.Tensors.AfterRun(binding);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new UserFacingException(
                $"style '{Style.Name}' failed on a {_frame.Geometry.TensorWidth}x{_frame.Geometry.TensorHeight} picture: {ex.Message.Split('\n')[0]}");
        }
    }

    /// <summary>The style's vector input where <paramref name="part"/> reads it, else null.</summary>
    private static (string Name, OrtValue Value)? VectorInput(StyleSession style, InferenceSession part) =>
        style.StyleVectorInputName is { } name && style.StyleVectorValue is { } value && part.InputMetadata.ContainsKey(name)
            ? (name, value)
            : null;

    private static void BindVector(OrtIoBinding binding, (string Name, OrtValue Value)? vector)
    {
        if (vector is { } v)
        {
            binding.BindInput(v.Name, v.Value);
        }
    }

    /// <summary>
    /// Whether <paramref name="shape"/> is [1, C, H, W] with H and W the tensor's height and width divided by one
    /// factor (rounded up, as strided convolutions do): features held NCHW, not NHWC or flattened.
    /// </summary>
    private static bool IsPictureShaped(long[] shape, FrameGeometry geometry)
    {
        if (shape is not [1, > 0, > 0, > 0])
        {
            return false;
        }

        var factor = Math.Round((double)geometry.TensorHeight / shape[2]);
        return factor >= 1
            && Math.Abs(Math.Ceiling(geometry.TensorHeight / factor) - shape[2]) < 1
            && Math.Abs(Math.Ceiling(geometry.TensorWidth / factor) - shape[3]) < 1;
    }

    private static unsafe Mat PlaneHeader(float[] pinned, int offset, int height, int width) =>
        Mat.FromPixelData(height, width, MatType.CV_32FC1, (IntPtr)System.Runtime.CompilerServices.Unsafe.AsPointer(ref pinned[offset]));

    public void Dispose()
    {
        _encoderBinding.Dispose();
        _decoderBinding.Dispose();
        _featuresValue.Dispose();
        _runOptions.Dispose();
        _encoder.Dispose();
        _decoder.Dispose();
        foreach (var mat in _currentPlanes.Concat(_historyPlanes).Concat(_planeHeaders))
        {
            mat.Dispose();
        }

        _cv.Dispose();
        _buffers.Dispose();
        _frame.Dispose();
    }
}
