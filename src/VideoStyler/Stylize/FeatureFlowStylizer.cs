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
/// and the first frame start afresh (the whole network's output exactly). Frames must come in order, or, with
/// several lanes, numbered: the lanes overlap the networks' runs of different frames and take the flow and the
/// blend in frame order.
/// Buffers and bindings are made once; the feature shape is learned by one encoder run at creation.
/// An arbitrary-style transformer's style vector (<see cref="StyleSession.StyleVectorValue"/>) goes to whichever
/// part reads it (both, for Magenta's conditional instance norms), bound as the whole network binds it: once on
/// the CPU, again before every run on a device provider, so <see cref="StyleSession.SetStyleVector"/> between
/// frames takes effect in both parts.
/// </summary>
internal sealed class FeatureFlowStylizer : IStylizer
{
    /// <summary>
    /// Weight of the warped history where the flow is fully trusted. It was 0.8 (help.mkv, candy, lossless, processing
    /// size 240: flicker ratio 0.12 at sharpness 0.94) until the blend restored each plane's spread
    /// (<see cref="BlendPlane"/>), which lowered the flicker at the same keep; 0.72 hands that gain back as texture
    /// statistics. help.mkv, size 480, h264, flicker ratio / gram retention / content ratio / sharpness against
    /// issue 15's targets (at most 0.15 / at least 0.95 / at most 1.05 / at least 0.90), keep 0.8 -> 0.72: candy 0.103 /
    /// 0.920 / 0.892 / 0.891 -> 0.137 / 0.938 / 0.907 / 0.905 (three targets met instead of two), mosaic 0.197 / 0.940 /
    /// 0.937 / 0.881 -> 0.232 / 0.956 / 0.946 / 0.897, starry-night 0.322 / 0.901 / 1.022 / 0.928 -> 0.348 / 0.918 /
    /// 1.013 / 0.944 (README, temporal section, for every row).
    /// </summary>
    public const float DefaultKeep = 0.72f;

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
        return style.ExecutionProvider == Providers.ExecutionProviders.Cpu ? 1 : FlowOversampling;
    }

    /// <summary>The keep weight for a --temporal strength: 1.44 x strength (the default 0.5 gives <see cref="DefaultKeep"/>), at most 1.</summary>
    public static float KeepFor(double strength) => (float)Math.Clamp(strength * DefaultKeep / 0.5, 0, 1);

    private readonly OnnxStylizer[] _frames;     // per lane: the input and output tensors, pre- and post-processing
    private readonly OnnxStylizer _frame;        // lane 0's (geometry, style)
    private readonly InferenceSession _encoder;  // shared by the lanes: ONNX Runtime runs one session from several threads at once
    private readonly InferenceSession _decoder;
    private readonly FeatureSlot[] _slots;       // frame n's features and flow verdict live in slot n mod the slot count
    private readonly OrtIoBinding[][] _encoderBindings; // [lane][slot]: the lane's input tensor into the slot's features
    private readonly OrtIoBinding[][] _decoderBindings; // [lane][slot]: the slot's features into the lane's output tensor
    private readonly RunOptions[] _runOptions;
    private readonly string _inputName;
    private readonly (string Name, OrtValue Value)? _encoderVector;  // the style vector, where the part reads it
    private readonly (string Name, OrtValue Value)? _decoderVector;
    private readonly float _keep;
    private readonly NormStatisticsCarry? _decoderStatistics; // stats+features: the decoder's instance-norm statistics, carried over time
    private readonly PipelineStats? _stats;
    private readonly MatCalls[] _laneCv;          // each lane's OpenCV proxies for the blend (MatCalls is one per thread)
    private readonly Mat[] _laneWarped;           // each lane's scratch plane
    private readonly MatCalls _flowCv = new();    // the flow's (one thread at a time: the flow helper, or the lane whose turn it is)
    private readonly MatCalls _planeCv = new();   // the plane helper's
    private readonly HelperThread? _flowHelper;   // one lane: measures the flow while the encoder runs, in the slices ONNX Runtime leaves idle
    private readonly HelperThread? _planeHelper;  // one lane: warps and blends half of the planes beside the calling thread
    private readonly SequenceGate? _flowGate;     // several lanes: the flow of frame n after frame n - 1's
    private readonly SequenceGate? _blendGate;    // several lanes: the blend of frame n after frame n - 1's (its history)
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
    private readonly Mat _planeWarped;
    private Mat _luma;                    // at flow resolution
    private Mat _previousLuma;
    private readonly int _flowFactor;     // flow resolution / feature resolution (FlowOversampling, less for finer features)
    private readonly Mat _flowBackward;   // the flow at flow resolution (the same Mat as _backward when the factor is 1)
    private Mat _featureLuma;             // the luminance at feature resolution, for the confidence (when the factor is above 1)
    private Mat _previousFeatureLuma;
    private bool _hasHistory;             // the flow has a previous frame
    private bool _fresh;                  // the last flow verdict: no history to carry (first frame, scene cut)
    private long _sequence;               // one lane: the next frame's number
    private Mat? _flowSource;             // one lane: the frame whose flow the flow helper measures...
    private FeatureSlot? _flowSlot;       // ...and where its verdict goes
    private FeatureSlot? _blendCurrent;   // one lane: what the plane helper blends
    private FeatureSlot? _blendHistory;

    private FeatureFlowStylizer(
        StyleSession style, OnnxStylizer[] frames, InferenceSession encoder, InferenceSession decoder, BottleneckSplit split,
        long[] shape, float keep, PipelineStats? stats, bool helpers, int flowOversampling, NormStatisticsCarry? decoderStatistics)
    {
        _frames = frames;
        _decoderStatistics = decoderStatistics;
        _frame = frames[0];
        _encoder = encoder;
        _decoder = decoder;
        _keep = keep;
        _stats = stats;
        Lanes = frames.Length;
        Features = split.Features;
        var (channels, height, width) = ((int)shape[1], (int)shape[2], (int)shape[3]);
        FeatureShape = (channels, height, width);
        // The picture's content covers the top-left part of the tensor (the rest is padding): so do its features.
        var geometry = _frame.Geometry;
        var contentWidth = Math.Clamp((int)Math.Round((double)geometry.ContentWidth * width / geometry.TensorWidth), 8, width);
        var contentHeight = Math.Clamp((int)Math.Round((double)geometry.ContentHeight * height / geometry.TensorHeight), 8, height);
        var content = new Rect(0, 0, contentWidth, contentHeight);

        // Slots: one lane alternates two (this frame's features, the history). With L lanes frame n may be encoded while
        // frames n - 1 .. n - L + 1 are still blending or decoding, so 2L slots: frame n's slot last held frame n - 2L's,
        // which its own lane finished (blend, decoder) before taking frame n - L, and whose successor's blend (the last
        // reader of it as history) came before that.
        var slotCount = Lanes == 1 ? 2 : 2 * Lanes;
        _slots = new FeatureSlot[slotCount];
        for (var i = 0; i < slotCount; i++)
        {
            _slots[i] = new FeatureSlot(new FeatureBuffer(shape, content), _buffers, contentWidth, contentHeight);
        }

        // As the frame stylizer binds its own: outputs once, inputs once on the CPU and before every run on a
        // device provider (where the features, changed on the host between the two parts, are copied again).
        // One binding pair per lane and slot: the encoder writes into one slot while others hold the history.
        _inputName = style.Convention.InputName;
        _encoderVector = VectorInput(style, encoder);
        _decoderVector = VectorInput(style, decoder);
        _encoderBindings = new OrtIoBinding[Lanes][];
        _decoderBindings = new OrtIoBinding[Lanes][];
        _runOptions = new RunOptions[Lanes];
        _laneCv = new MatCalls[Lanes];
        _laneWarped = new Mat[Lanes];
        for (var lane = 0; lane < Lanes; lane++)
        {
            var tensors = frames[lane].Tensors;
            _runOptions[lane] = new RunOptions();
            _laneCv[lane] = new MatCalls();
            _laneWarped[lane] = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC1);
            _encoderBindings[lane] = new OrtIoBinding[slotCount];
            _decoderBindings[lane] = new OrtIoBinding[slotCount];
            for (var slot = 0; slot < slotCount; slot++)
            {
                var features = _slots[slot].Features.Value;
                var encoding = _encoderBindings[lane][slot] = encoder.CreateIoBinding();
                encoding.BindOutput(split.Features, features);
                var decoding = _decoderBindings[lane][slot] = decoder.CreateIoBinding();
                decoding.BindInput(split.Features, features);
                decoding.BindOutput(style.Convention.OutputName, tensors.OutputValue);
                decoderStatistics?.Bind(decoding);
                if (tensors.Mode == TensorBindingMode.ZeroCopy)
                {
                    encoding.BindInput(_inputName, tensors.InputValue);
                    BindVector(encoding, _encoderVector);
                    BindVector(decoding, _decoderVector);
                }
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
        _backward = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC2);
        _forward = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC2);
        _reverseScratch = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC2);
        _planeWarped = _buffers.New(contentHeight, contentWidth, MatType.CV_32FC1);
        _luma = _buffers.New(FlowSize.Height, FlowSize.Width, MatType.CV_8UC1);
        _previousLuma = _buffers.New(FlowSize.Height, FlowSize.Width, MatType.CV_8UC1);
        var fine = _flowFactor > 1;
        _flowBackward = fine ? _buffers.New(FlowSize.Height, FlowSize.Width, MatType.CV_32FC2) : _backward;
        _featureLuma = fine ? _buffers.New(contentHeight, contentWidth, MatType.CV_8UC1) : _noMap;
        _previousFeatureLuma = fine ? _buffers.New(contentHeight, contentWidth, MatType.CV_8UC1) : _noMap;

        if (Lanes > 1)
        {
            // The lanes' threads keep every core busy with the model: the flow and the blend run on them, in frame order.
            _flowGate = new SequenceGate();
            _blendGate = new SequenceGate();
        }
        else if (helpers && Environment.ProcessorCount > 1)
        {
            // Last, once everything they use exists. On one core helper threads would only take turns with the caller.
            // The flow helper runs at nice 19: beside the encoder's intra-op threads it gets only what they leave idle;
            // once the encoder has ended (or on a device provider, with the CPU free) it has a core to itself.
            _flowHelper = new HelperThread(_ => MeasureFlow(_flowSource!, _flowSlot!), HelperThreadName, niceness: 19);
            _planeHelper = new HelperThread(_ => BlendPlanes(_blendCurrent!, _blendHistory!, PlaneHalf(), _blendCurrent!.Features.Planes.Length, _planeCv, _planeWarped), HelperThreadName);
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
    /// Frames this stylizer works on at once, each on its own thread (<see cref="Process(Mat, Mat, long, int)"/>): 1, or
    /// the lanes asked for at creation on the CPU provider.
    /// </summary>
    public int Lanes { get; }

    /// <summary>
    /// A feature-flow stylizer for <paramref name="style"/> at this frame size, or null with the reason in
    /// <paramref name="reason"/> when the graph has no bottleneck to cut at (or an NHWC layout, or parts ONNX
    /// Runtime does not load): the caller falls back to the pixel stage and says so.
    /// <paramref name="binding"/>: how tensors are bound; null: what the style's provider needs (tests force
    /// <see cref="TensorBindingMode.Rebind"/> on the CPU). <paramref name="helpers"/>: false does the whole carry step on
    /// the calling thread, as on one core (tests compare the two). <paramref name="cut"/>: where the network is cut
    /// (<see cref="FeatureCut"/>). <paramref name="lanes"/>: frames worked on at once, each on its own thread and
    /// tensors (<see cref="Process(Mat, Mat, long, int)"/>); on the CPU provider only, else 1. <paramref name="statisticsKeep"/>:
    /// with a value, the decoder's instance-norm statistics are carried over time too, with this weight for the past
    /// (stats+features; one lane; <see cref="SmoothsStatistics"/> says whether the decoder had any).
    /// </summary>
    public static FeatureFlowStylizer? TryCreate(
        StyleSession style, int width, int height, int processingShortSide, out string? reason, PipelineStats? stats = null, float keep = DefaultKeep,
        TensorBindingMode? binding = null, bool helpers = true, FeatureCut cut = FeatureCut.Bottleneck, int? flowOversampling = null, int lanes = 1,
        float? statisticsKeep = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
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

        // stats+features: the decoder's instance norms are smoothed over time as the stats mode does; the encoder's are
        // not (its output is what the flow carries, and whether a frame starts afresh is known only after the encoder
        // has run beside the flow). No instance norms after the cut (the Magenta transformer): features only.
        var smoothing = statisticsKeep is null ? null : InstanceNormSmoother.TryRewrite(split.Decoder);
        var frame = new OnnxStylizer(style, width, height, processingShortSide, stats, binding);
        InferenceSession? encoder = null;
        InferenceSession? decoder = null;
        NormStatisticsCarry? statistics = null;
        try
        {
            encoder = style.CreateSession(split.Encoder);
            decoder = style.CreateSession(smoothing?.Model ?? split.Decoder);
            statistics = smoothing is null ? null : new NormStatisticsCarry(smoothing, statisticsKeep!.Value);
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
                statistics?.Dispose();
                decoder.Dispose();
                encoder.Dispose();
                frame.Dispose();
                return null;
            }

            // Lanes only on the CPU provider (on a device one session keeps the device busy); each lane has its own tensors.
            // Carried statistics need the frames one after another: one lane.
            var laneCount = style.ExecutionProvider == Providers.ExecutionProviders.Cpu && statistics is null ? lanes : 1;
            var frames = new OnnxStylizer[laneCount];
            frames[0] = frame;
            try
            {
                for (var lane = 1; lane < laneCount; lane++)
                {
                    frames[lane] = new OnnxStylizer(style, width, height, processingShortSide, stats, binding);
                }
            }
            catch
            {
                foreach (var made in frames.Skip(1).OfType<OnnxStylizer>())
                {
                    made.Dispose();
                }

                throw;
            }

            return new FeatureFlowStylizer(
                style, frames, encoder, decoder, split, shape, keep, stats, helpers, flowOversampling ?? DefaultFlowOversampling(style), statistics);
        }
        catch (OnnxRuntimeException ex)
        {
            reason ??= $"its encoder and decoder do not load: {ex.Message.Split('\n')[0]}";
            statistics?.Dispose();
            decoder?.Dispose();
            encoder?.Dispose();
            frame.Dispose();
            return null;
        }
    }

    /// <summary>Stylizes the next frame (one lane: frames in order on one thread).</summary>
    public void Process(Mat source, Mat destination)
    {
        if (Lanes != 1)
        {
            throw new InvalidOperationException($"this stylizer has {Lanes} lanes: give each frame its number and lane");
        }

        Process(source, destination, _sequence++, 0);
    }

    /// <summary>
    /// Stylizes frame number <paramref name="sequence"/> (0, 1, 2, ... each once) on lane <paramref name="lane"/>'s
    /// tensors. With several lanes, frames are given to the lanes in turn, each lane on its own thread: the encoder,
    /// decoder and pre/post-processing of different frames overlap, while the flow (from the previous frame) and the
    /// blend (with the previous frame's stabilised features) wait for their turn, so the output is the one-lane output.
    /// </summary>
    public void Process(Mat source, Mat destination, long sequence, int lane)
    {
        var frame = _frames[lane];
        var (index, slot, history) = SlotsFor(sequence);

        var mark = StageClock.Start();
        frame.Preprocess(source);
        _stats?.Preprocess.AddSince(mark);

        mark = StageClock.Start();
        var encoderBinding = _encoderBindings[lane][index];
        if (frame.Tensors.Mode == TensorBindingMode.Rebind)
        {
            encoderBinding.BindInput(_inputName, frame.Tensors.InputValue);
            BindVector(encoderBinding, _encoderVector);
        }

        if (_flowGate is { } flowGate)
        {
            // Its turn comes once the previous frame's flow is measured (its lane did that before its encoder).
            flowGate.WaitFor(sequence);
            MeasureFlow(source, slot);
            flowGate.Done(sequence);
            Run(_encoder, encoderBinding, lane);
            AfterEncoder?.Invoke(sequence);
        }
        else
        {
            BeginFlow(source, slot);
            try
            {
                Run(_encoder, encoderBinding, lane);
            }
            catch
            {
                _flowHelper?.JoinQuietly();
                throw;
            }
        }

        _stats?.Model.AddSince(mark);

        mark = StageClock.Start();
        // Several lanes: its turn comes once the previous frame, its history, is blended.
        _blendGate?.WaitFor(sequence);
        BlendHistory(slot, history, lane);
        _blendGate?.Done(sequence);

        _stats?.Temporal.AddSince(mark);

        mark = StageClock.Start();
        var decoderBinding = _decoderBindings[lane][index];
        if (frame.Tensors.Mode == TensorBindingMode.Rebind)
        {
            decoderBinding.BindInput(Features, slot.Features.Value);
            BindVector(decoderBinding, _decoderVector);
            _decoderStatistics?.BindInputs(decoderBinding);
        }

        // stats+features: the decoder's statistics start afresh where the features do (first frame, scene cut).
        _decoderStatistics?.BeforeRun(slot.Fresh);
        Run(_decoder, decoderBinding, lane);
        _decoderStatistics?.AfterRun();
        _stats?.Model.AddSince(mark);

        mark = StageClock.Start();
        frame.Postprocess(destination);
        _stats?.Postprocess.AddSince(mark);
    }

    /// <summary>Whether the decoder's instance-norm statistics are carried over time too (stats+features).</summary>
    public bool SmoothsStatistics => _decoderStatistics is not null;

    /// <summary>Tests only: called on a lane after frame n's encoder (to hold one lane back and check the turns).</summary>
    internal Action<long>? AfterEncoder { get; set; }

    /// <summary>Ends the lanes' waits for their turn (the run is being torn down after a failure elsewhere).</summary>
    public void Abort()
    {
        _flowGate?.Close();
        _blendGate?.Close();
    }

    /// <summary>
    /// The whole carry step on the calling thread's schedule: the flow, then the blend (<see cref="Process(Mat, Mat)"/>
    /// runs the encoder between the two). One lane. Internal (not private) for the micro-benchmark of this step
    /// (bench/VideoStyler.Benchmarks/FeatureCarryBenchmarks).
    /// </summary>
    internal void CarryFeatures(Mat source)
    {
        var (_, slot, history) = SlotsFor(_sequence++);
        BeginFlow(source, slot);
        BlendHistory(slot, history, 0);
    }

    /// <summary>Frame <paramref name="sequence"/>'s slot (and its index), and the previous frame's: its history.</summary>
    private (int Index, FeatureSlot Slot, FeatureSlot History) SlotsFor(long sequence)
    {
        var index = (int)(sequence % _slots.Length);
        return (index, _slots[index], _slots[(index + _slots.Length - 1) % _slots.Length]);
    }

    /// <summary>Starts measuring the flow from <paramref name="source"/> to the previous frame: on the flow helper, else here.</summary>
    private void BeginFlow(Mat source, FeatureSlot slot)
    {
        if (_flowHelper is { } helper)
        {
            _flowSource = source;
            _flowSlot = slot;
            helper.Start(0);
        }
        else
        {
            MeasureFlow(source, slot);
        }
    }

    /// <summary>
    /// The input side of the carry step, which needs no features: the frame's luminance at flow resolution, the
    /// backward flow to the previous frame, its confidence (occluded or new content gets none) and the scene-cut
    /// verdict; where the history is carried, the sampling map (fixed-point) and the blend weights, into
    /// <paramref name="slot"/>. Frames in order: this frame's luminance becomes the next one's previous.
    /// </summary>
    private void MeasureFlow(Mat source, FeatureSlot slot)
    {
        _lumaScaler.Convert(source, _luma);
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
            fresh = _cuts.IsCut(_confidence.Compute(luma, previousLuma, _backward, _forward, slot.Trust));
        }
        else
        {
            _cuts.Reset();
        }

        _fresh = fresh;
        slot.Fresh = fresh;
        if (!fresh)
        {
            FlowMaps.ToSamplingMap(_flowCv, _backward, _grid, _map);
            // cv::remap turns a float map into this fixed-point pair (1/32 pixel) on every call: once here for all
            // the planes instead of once per plane.
            _flowCv.ConvertMaps(_map, _noMap, slot.FixedMap, slot.FixedFractions, MatType.CV_16SC2, nearestNeighbour: false);
            _flowCv.Multiply(slot.Trust, Scalar.All(_keep), slot.Trust);
            _flowCv.ConvertTo(slot.Trust, slot.Stay, MatType.CV_32FC1, -1, 1);
        }

        (_luma, _previousLuma) = (_previousLuma, _luma);
        (_featureLuma, _previousFeatureLuma) = (_previousFeatureLuma, _featureLuma);
        _hasHistory = true;
    }

    /// <summary>
    /// Waits for the flow helper (if any), then blends the warped history into this frame's features (the slot the
    /// encoder has just written) where the flow is trusted; they become the history, read by the decoder now and by the
    /// next frame. With the plane helper (one lane) half of the planes go to it; else all are done on
    /// <paramref name="lane"/>'s OpenCV proxies.
    /// </summary>
    private void BlendHistory(FeatureSlot slot, FeatureSlot history, int lane)
    {
        _flowHelper?.Join();
        _flowSource = null;
        LastFrameWasReset = slot.Fresh;
        if (slot.Fresh)
        {
            return;
        }

        var planes = slot.Features.Planes.Length;
        if (_planeHelper is { } helper)
        {
            _blendCurrent = slot;
            _blendHistory = history;
            helper.Start(1);
            try
            {
                BlendPlanes(slot, history, 0, PlaneHalf(), _laneCv[lane], _laneWarped[lane]);
            }
            finally
            {
                helper.Join();
            }
        }
        else
        {
            BlendPlanes(slot, history, 0, planes, _laneCv[lane], _laneWarped[lane]);
        }
    }

    /// <summary>Where the plane helper's half of the channels starts.</summary>
    private int PlaneHalf() => (FeatureShape.Channels + 1) / 2;

    /// <summary>
    /// Warps the history's planes <paramref name="from"/> .. <paramref name="to"/> - 1 onto this frame and blends them in,
    /// with the calling thread's OpenCV proxies and scratch plane.
    /// </summary>
    private void BlendPlanes(FeatureSlot slot, FeatureSlot history, int from, int to, MatCalls cv, Mat warped)
    {
        var current = slot.Features.Planes;
        var previous = history.Features.Planes;
        for (var c = from; c < to; c++)
        {
            cv.Remap(previous[c], warped, slot.FixedMap, slot.FixedFractions, HistoryInterpolation, BorderTypes.Replicate);
            BlendPlane(cv, current[c], warped, slot.Stay, slot.Trust, RestoreSpread);
        }
    }

    /// <summary>
    /// One feature plane: <paramref name="features"/> += trust x (warped history - features), where
    /// <paramref name="trust"/> is keep x the flow's confidence and <paramref name="stay"/> is 1 - that; then, with
    /// <paramref name="restoreSpread"/>, the blended plane scaled about its own mean back to the fresh plane's standard
    /// deviation (never scaled down). Why the restore: where the fresh features and the warped history differ (the
    /// strokes the network places anew each frame), their weighted sum has less spatial variation than either, and the
    /// recursive blend keeps averaging; the decoder then draws flatter, smoother strokes (the features mode's loss of
    /// gram retention and sharpness). One factor per plane gives it the fresh frame's contrast back without the fresh
    /// frame's stroke placement; the mean stays the blended one (the steadier; the fresh mean measured the same).
    /// Measured (help.mkv, size 480, h264, flicker ratio / gram retention / content ratio / sharpness, without -> with):
    /// candy 0.112 / 0.920 / 0.890 / 0.902 -> 0.103 / 0.920 / 0.892 / 0.891, starry-night 0.327 / 0.898 / 1.007 /
    /// 0.895 -> 0.322 / 0.901 / 1.022 / 0.928 (README, temporal section, for the other clips and styles).
    /// </summary>
    internal static void BlendPlane(MatCalls cv, Mat features, Mat warped, Mat stay, Mat trust, bool restoreSpread)
    {
        var freshSpread = restoreSpread ? cv.MeanStdDev(features).StdDev : 0;

        // (1 - w) x features + w x warped, as one weighted blend (cv::blendLinear's 1e-5 in the divisor is far below
        // the features' precision): one pass where subtract, multiply, add took three.
        cv.BlendLinear(features, warped, stay, trust, features);
        if (!restoreSpread)
        {
            return;
        }

        var (mean, spread) = cv.MeanStdDev(features);
        if (spread > 1e-6 && freshSpread > spread)
        {
            var gain = freshSpread / spread;
            cv.ConvertTo(features, features, MatType.CV_32FC1, gain, mean * (1 - gain));
        }
    }

    /// <summary>
    /// Whether the blend restores each plane's spread (<see cref="BlendPlane"/>); on by default. Off only to measure
    /// the blend without it (tests, the README's ablation).
    /// </summary>
    internal bool RestoreSpread { get; set; } = true;

    private void Run(InferenceSession session, OrtIoBinding binding, int lane)
    {
        try
        {
            session.RunWithBinding(_runOptions[lane], binding);
            _frames[lane].Tensors.AfterRun(binding);
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
        foreach (var binding in _encoderBindings.Concat(_decoderBindings).SelectMany(b => b))
        {
            binding.Dispose();
        }

        foreach (var options in _runOptions)
        {
            options.Dispose();
        }

        _encoder.Dispose();
        _decoder.Dispose();
        _decoderStatistics?.Dispose();
        foreach (var slot in _slots)
        {
            slot.Features.Dispose();
        }

        foreach (var cv in _laneCv)
        {
            cv.Dispose();
        }

        _flowCv.Dispose();
        _planeCv.Dispose();
        _buffers.Dispose();
        foreach (var frame in _frames)
        {
            frame.Dispose();
        }
    }
}
