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
/// bottleneck features are warped onto it (bicubic) with optical flow measured on the input at the feature
/// resolution (1/4 of the processing size for the Johnson networks), or at twice it and scaled down where the model
/// runs on a device provider (<see cref="FlowOversampling"/>), and the two are blended per position:
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
    /// 1.008 / 0.885 (with the bicubic warp: 0.309 / 0.912 / 1.007 / 0.914). Tracked on from the last pair's flow and
    /// with its confidence measured at the feature resolution, it costs about 5 ms a frame more (bench, starry-night, 480).
    /// Used where the model runs on a device provider (the CPU is free then). On the CPU the flow stays at the feature
    /// resolution: there the finer flow's 8-10 ms of CPU a frame (bench, 2 cores, candy and starry-night at 480; the
    /// nice-19 flow helper then outlasts the encoder's idle slices and the model thread waits for it) took the Magenta
    /// transformer's efficiency with the stage from 0.88-0.90 to 0.75-0.88 (CPU efficiency), against a gain of 0.018
    /// flicker ratio, 0.014 gram retention and 0.019 sharpness (help.mkv, starry-night, bicubic warp in both).
    /// </summary>
    public const int FlowOversampling = 2;

    /// <summary>
    /// How the history is warped. The stabilised features are warped again every frame, so a bilinear warp's softening
    /// adds up; bicubic keeps them crisper (same clip as <see cref="FlowOversampling"/>, flow at the feature resolution:
    /// bilinear 0.310 / 0.872 / 1.009 / 0.846, bicubic 0.327 / 0.897 / 1.006 / 0.893).
    /// </summary>
    public const InterpolationFlags HistoryInterpolation = InterpolationFlags.Cubic;

    /// <summary>The flow's oversampling for <paramref name="style"/>'s provider: <see cref="FlowOversampling"/> on a device, 1 on the CPU.</summary>
    public static int DefaultFlowOversampling(StyleSession style)
    {
        ArgumentNullException.ThrowIfNull(style);
        return style.ExecutionProvider == "CPUExecutionProvider" ? 1 : FlowOversampling;
    }

    /// <summary>The keep weight for a --temporal strength: 1.6 x strength (the default 0.5 gives <see cref="DefaultKeep"/>), at most 1.</summary>
    public static float KeepFor(double strength) => (float)Math.Clamp(1.6 * strength, 0, 1);

    private readonly OnnxStylizer _frame;
    private readonly InferenceSession _encoder;
    private readonly InferenceSession _decoder;
    private readonly FeatureBuffer[] _sets = new FeatureBuffer[2];      // this frame's features and the previous frame's, swapped every frame
    private readonly OrtIoBinding[] _encoderBindings = new OrtIoBinding[2]; // the encoder writing into set 0 / set 1
    private readonly OrtIoBinding[] _decoderBindings = new OrtIoBinding[2]; // the decoder reading set 0 / set 1
    private readonly RunOptions _runOptions = new();
    private readonly string _inputName;
    private readonly (string Name, OrtValue Value)? _encoderVector;  // the style vector, where the part reads it
    private readonly (string Name, OrtValue Value)? _decoderVector;
    private readonly float _keep;
    private readonly PipelineStats? _stats;
    private readonly MatCalls _cv = new();        // the calling thread's OpenCV proxies (MatCalls is one per thread)
    private readonly MatCalls _flowCv = new();    // the flow helper's
    private readonly MatCalls _planeCv = new();   // the plane helper's
    private readonly HelperThread? _flowHelper;   // measures the flow while the encoder runs, in the slices ONNX Runtime leaves idle
    private readonly HelperThread? _planeHelper;  // warps and blends half of the planes beside the calling thread
    private readonly MatBuffers _buffers = new();
    private readonly FarnebackFlowEstimator _flow;
    private readonly LumaScaler _lumaScaler;
    private readonly FlowConfidence _confidence;
    private readonly SceneCutDetector _cuts = new(new TemporalOptions().SceneCutDrop);
    private readonly Mat _noMap;
    private readonly Mat _grid;
    private readonly Mat _map;
    private readonly Mat _fixedMap;       // _map as cv::convertMaps' fixed-point pair: integer positions...
    private readonly Mat _fixedFractions; // ...and interpolation table indices, made once a frame for all planes
    private readonly Mat _backward;
    private readonly Mat _forward;
    private readonly Mat _reverseScratch;
    private readonly Mat _trust;
    private readonly Mat _warped;
    private readonly Mat _planeWarped;
    private readonly Mat _stay;
    private Mat _luma;                    // at flow resolution
    private Mat _previousLuma;
    private readonly int _flowFactor;     // flow resolution / feature resolution (FlowOversampling, less for finer features)
    private readonly Mat _flowBackward;   // the flow at flow resolution (the same Mat as _backward when the factor is 1)
    private Mat _featureLuma;             // the luminance at feature resolution, for the confidence (when the factor is above 1)
    private Mat _previousFeatureLuma;
    private bool _hasHistory;
    private Mat? _flowSource; // the frame whose flow the flow job measures
    private bool _fresh;      // the flow job's verdict: no history to carry (first frame, scene cut)
    private int _latest = 1; // the set holding the last frame's stabilised features; the next frame writes the other

    private FeatureFlowStylizer(
        StyleSession style, OnnxStylizer frame, InferenceSession encoder, InferenceSession decoder, BottleneckSplit split,
        long[] shape, float keep, PipelineStats? stats, bool helpers, int flowOversampling)
    {
        _frame = frame;
        _encoder = encoder;
        _decoder = decoder;
        _keep = keep;
        _stats = stats;
        Features = split.Features;
        var (channels, height, width) = ((int)shape[1], (int)shape[2], (int)shape[3]);
        FeatureShape = (channels, height, width);
        // The picture's content covers the top-left part of the tensor (the rest is padding): so do its features.
        var geometry = frame.Geometry;
        var contentWidth = Math.Clamp((int)Math.Round((double)geometry.ContentWidth * width / geometry.TensorWidth), 8, width);
        var contentHeight = Math.Clamp((int)Math.Round((double)geometry.ContentHeight * height / geometry.TensorHeight), 8, height);
        var content = new Rect(0, 0, contentWidth, contentHeight);

        // As the frame stylizer binds its own: outputs once, inputs once on the CPU and before every run on a
        // device provider (where the features, changed on the host between the two parts, are copied again).
        // One binding pair per feature set: the encoder writes into one set while the other holds the history.
        _inputName = style.Convention.InputName;
        var tensors = frame.Tensors;
        _encoderVector = VectorInput(style, encoder);
        _decoderVector = VectorInput(style, decoder);
        for (var set = 0; set < 2; set++)
        {
            _sets[set] = new FeatureBuffer(shape, content);
            _encoderBindings[set] = encoder.CreateIoBinding();
            _encoderBindings[set].BindOutput(split.Features, _sets[set].Value);
            _decoderBindings[set] = decoder.CreateIoBinding();
            _decoderBindings[set].BindInput(split.Features, _sets[set].Value);
            _decoderBindings[set].BindOutput(style.Convention.OutputName, tensors.OutputValue);
            if (tensors.Mode == TensorBindingMode.ZeroCopy)
            {
                _encoderBindings[set].BindInput(_inputName, tensors.InputValue);
                BindVector(_encoderBindings[set], _encoderVector);
                BindVector(_decoderBindings[set], _decoderVector);
            }
        }

        // The flow is measured at FlowOversampling x the feature resolution (at most the processing size), then
        // scaled down to the features with its vectors: finer than the features, it places them more exactly.
        _flowFactor = Math.Clamp((int)Math.Round((double)geometry.TensorHeight / height), 1, flowOversampling);
        FlowSize = new Size(contentWidth * _flowFactor, contentHeight * _flowFactor);
        _flow = _buffers.Own(new FarnebackFlowEstimator());
        _lumaScaler = _buffers.Own(new LumaScaler(_flowCv, FlowSize.Width, FlowSize.Height));
        _confidence = _buffers.Own(new FlowConfidence(contentWidth, contentHeight, new TemporalOptions().WarpErrorSigma));
        _noMap = _buffers.Empty();
        _grid = _buffers.Own(FlowMaps.CreateGrid(contentWidth, contentHeight));
        _map = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC2);
        _fixedMap = _buffers.New(contentHeight, contentWidth, MatType.CV_16SC2);
        _fixedFractions = _buffers.New(contentHeight, contentWidth, MatType.CV_16UC1);
        _backward = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC2);
        _forward = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC2);
        _reverseScratch = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC2);
        _trust = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC1);
        _warped = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC1);
        _planeWarped = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC1);
        _stay = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC1);
        _luma = _buffers.New(FlowSize.Height, FlowSize.Width, MatType.CV_8UC1);
        _previousLuma = _buffers.New(FlowSize.Height, FlowSize.Width, MatType.CV_8UC1);
        var fine = _flowFactor > 1;
        _flowBackward = fine ? _buffers.New(FlowSize.Height, FlowSize.Width, MatType.CV_32FC2) : _backward;
        _featureLuma = fine ? _buffers.New(contentHeight, contentWidth, MatType.CV_8UC1) : _noMap;
        _previousFeatureLuma = fine ? _buffers.New(contentHeight, contentWidth, MatType.CV_8UC1) : _noMap;

        // Last, once everything they use exists. On one core helper threads would only take turns with the caller.
        // The flow helper runs at nice 19: beside the encoder's intra-op threads it gets only what they leave idle;
        // once the encoder has ended (or on a device provider, with the CPU free) it has a core to itself.
        if (helpers && Environment.ProcessorCount > 1)
        {
            _flowHelper = new HelperThread(_ => MeasureFlow(), HelperThreadName, niceness: 19);
            _planeHelper = new HelperThread(BlendPlanes, HelperThreadName);
        }
    }

    /// <summary>The name of the helper threads (flow; half of the planes): `bench` counts them with the temporal stage.</summary>
    public const string HelperThreadName = "vs-temporal";

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
    /// <see cref="TensorBindingMode.Rebind"/> on the CPU). <paramref name="helpers"/>: false does the whole carry step on
    /// the calling thread, as on one core (tests compare the two). <paramref name="cut"/>: where the network is cut
    /// (<see cref="FeatureCut"/>).
    /// </summary>
    public static FeatureFlowStylizer? TryCreate(
        StyleSession style, int width, int height, int processingShortSide, out string? reason, PipelineStats? stats = null, float keep = DefaultKeep,
        TensorBindingMode? binding = null, bool helpers = true, FeatureCut cut = FeatureCut.Bottleneck, int? flowOversampling = null)
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

            return new FeatureFlowStylizer(style, frame, encoder, decoder, split, shape, keep, stats, helpers, flowOversampling ?? DefaultFlowOversampling(style));
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
        var encoderBinding = _encoderBindings[_latest ^ 1];
        if (_frame.Tensors.Mode == TensorBindingMode.Rebind)
        {
            encoderBinding.BindInput(_inputName, _frame.Tensors.InputValue);
            BindVector(encoderBinding, _encoderVector);
        }

        BeginFlow(source);
        try
        {
            Run(_encoder, encoderBinding);
        }
        catch
        {
            _flowHelper?.JoinQuietly();
            throw;
        }

        _stats?.Model.AddSince(mark);

        mark = StageClock.Start();
        BlendHistory();
        _stats?.Temporal.AddSince(mark);

        mark = StageClock.Start();
        var decoderBinding = _decoderBindings[_latest];
        if (_frame.Tensors.Mode == TensorBindingMode.Rebind)
        {
            decoderBinding.BindInput(Features, _sets[_latest].Value);
            BindVector(decoderBinding, _decoderVector);
        }

        Run(_decoder, decoderBinding);
        _stats?.Model.AddSince(mark);

        mark = StageClock.Start();
        _frame.Postprocess(destination);
        _stats?.Postprocess.AddSince(mark);
    }

    /// <summary>
    /// The whole carry step on the calling thread's schedule: the flow, then the blend (<see cref="Process"/> runs the
    /// encoder between the two). Internal (not private) for the micro-benchmark of this step
    /// (bench/VideoStyler.Benchmarks/FeatureCarryBenchmarks).
    /// </summary>
    internal void CarryFeatures(Mat source)
    {
        BeginFlow(source);
        BlendHistory();
    }

    /// <summary>Starts measuring the flow from <paramref name="source"/> to the previous frame: on the flow helper, else here.</summary>
    private void BeginFlow(Mat source)
    {
        _flowSource = source;
        if (_flowHelper is { } helper)
        {
            helper.Start(0);
        }
        else
        {
            MeasureFlow();
        }
    }

    /// <summary>
    /// The input side of the carry step, which needs no features: the frame's luminance at flow resolution, the
    /// backward flow to the previous frame, its confidence (occluded or new content gets none) and the scene-cut
    /// verdict; where the history is carried, the sampling map (fixed-point) and the blend weights.
    /// </summary>
    private void MeasureFlow()
    {
        _lumaScaler.Convert(_flowSource!, _luma);
        var fresh = !_hasHistory;
        var fine = _flowFactor > 1;
        if (fine)
        {
            _flowCv.Resize(_luma, _featureLuma, InterpolationFlags.Area);
        }

        if (_hasHistory)
        {
            // Warm-started from the last pair's flow where there was one (as the pixel stage's FlowPair does), else a
            // full solve (first pair, after a cut): the last verdict, not yet overwritten, tells which.
            if (!_fresh)
            {
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
                _flowCv.Resize(_flowBackward, _backward, InterpolationFlags.Area);
                _flowCv.Multiply(_backward, Scalar.All(1.0 / _flowFactor), _backward);
            }

            // The forward flow is the backward one reversed (one Farneback solve a frame, as the pixel stage's
            // FlowPair does): the second solve cost as much as the first for a consistency check that the
            // reversed flow feeds as well (flicker/gram figures in the README's temporal section).
            FlowMaps.Reverse(_flowCv, _backward, _grid, _map, _reverseScratch, _forward);
            var (luma, previousLuma) = fine ? (_featureLuma, _previousFeatureLuma) : (_luma, _previousLuma);
            fresh = _cuts.IsCut(_confidence.Compute(luma, previousLuma, _backward, _forward, _trust));
        }
        else
        {
            _cuts.Reset();
        }

        _fresh = fresh;
        if (!fresh)
        {
            FlowMaps.ToSamplingMap(_flowCv, _backward, _grid, _map);
            // cv::remap turns a float map into this fixed-point pair (1/32 pixel) on every call: once here for all
            // the planes instead of once per plane.
            _flowCv.ConvertMaps(_map, _noMap, _fixedMap, _fixedFractions, MatType.CV_16SC2, nearestNeighbour: false);
            _flowCv.Multiply(_trust, Scalar.All(_keep), _trust);
            _flowCv.ConvertTo(_trust, _stay, MatType.CV_32FC1, -1, 1);
        }
    }

    /// <summary>
    /// Waits for the flow, then blends the warped history into this frame's features (the set the encoder has just
    /// written) where the flow is trusted; they become the history, read by the decoder now and by the next frame.
    /// </summary>
    private void BlendHistory()
    {
        _flowHelper?.Join();
        _flowSource = null;
        LastFrameWasReset = _fresh;
        if (!_fresh)
        {
            if (_planeHelper is { } helper)
            {
                helper.Start(1);
                try
                {
                    BlendPlanes(0);
                }
                finally
                {
                    helper.Join();
                }
            }
            else
            {
                BlendPlanes(-1);
            }
        }

        _latest ^= 1;
        (_luma, _previousLuma) = (_previousLuma, _luma);
        (_featureLuma, _previousFeatureLuma) = (_previousFeatureLuma, _featureLuma);
        _hasHistory = true;
    }

    /// <summary>
    /// Warps the history's planes onto this frame and blends them in: the first half of the channels for
    /// <paramref name="part"/> 0 (the calling thread), the second for 1 (the helper thread, with its own OpenCV
    /// proxies and scratch plane), all of them for -1 (no helper).
    /// </summary>
    private void BlendPlanes(int part)
    {
        var current = _sets[_latest ^ 1].Planes;
        var history = _sets[_latest].Planes;
        var half = (current.Length + 1) / 2;
        var (from, to) = part switch { 0 => (0, half), 1 => (half, current.Length), _ => (0, current.Length) };
        var (cv, warped) = part == 1 ? (_planeCv, _planeWarped) : (_cv, _warped);
        for (var c = from; c < to; c++)
        {
            // features += keep x trust x (warped history - features), as one weighted blend per plane
            // ((1 - w) x features + w x warped; cv::blendLinear's 1e-5 in the divisor is far below the
            // features' precision): one pass where subtract, multiply, add took three.
            cv.Remap(history[c], warped, _fixedMap, _fixedFractions, HistoryInterpolation, BorderTypes.Replicate);
            cv.BlendLinear(current[c], warped, _stay, _trust, current[c]);
        }
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

    public void Dispose()
    {
        _flowHelper?.Dispose();
        _planeHelper?.Dispose();
        foreach (var binding in _encoderBindings.Concat(_decoderBindings))
        {
            binding.Dispose();
        }

        _runOptions.Dispose();
        _encoder.Dispose();
        _decoder.Dispose();
        foreach (var set in _sets)
        {
            set.Dispose();
        }

        _cv.Dispose();
        _flowCv.Dispose();
        _planeCv.Dispose();
        _buffers.Dispose();
        _frame.Dispose();
    }
}
