using OpenCvSharp;
using VideoStyler.Flow;
using VideoStyler.Frames;

namespace VideoStyler.Temporal;

/// <summary>
/// The flow-pair state of the pixel temporal stage (<see cref="TemporalBlender"/>): the luminance of the
/// previous, current and (with lookahead) next input frame at flow resolution, the backward flow current ->
/// previous with its confidence, the forward flow current -> next with its own, and the scene-cut verdicts.
/// A pair measured with the lookahead is kept for the next frame, so every pair is measured once: one
/// Farneback solve per frame, warm-started from the last pair's flow where that is a close guess
/// (<see cref="FarnebackFlowEstimator.Track"/>); the forward flow is the backward one reversed, not measured
/// (issue 18: measured on walk.mkv with candy, a separate forward refinement changed flicker, retention,
/// sharpness and gram retention by at most 0.004 and cost a fifth of the stage). Frames must come in order;
/// one thread.
/// </summary>
/// <remarks>
/// Per frame the caller calls <see cref="Begin"/>, then either <see cref="TrackBack"/> (and, when the next
/// frame is known, <see cref="LookAhead"/>) or <see cref="StartAfresh"/>, and finally <see cref="Advance"/>.
/// </remarks>
internal sealed class FlowPair : IDisposable
{
    private readonly MatBuffers _buffers = new();
    private readonly MatCalls _cv;
    private readonly FarnebackFlowEstimator _flow = new();
    private readonly LumaScaler _luma;
    private readonly FlowConfidence _confidence;
    private readonly SceneCutDetector _sceneCut;
    private readonly Mat _noMap;
    private readonly Mat _grid;
    private readonly Mat _map;
    private readonly Mat _reversed;
    private Mat _current;
    private Mat _previous;
    private Mat _next;
    private bool _nextReady;
    private bool _backwardIsWarm;
    private PairState _pair;

    /// <param name="cv">The owning stage's OpenCV calls (not disposed here).</param>
    /// <param name="width">Flow-resolution width.</param>
    /// <param name="height">Flow-resolution height.</param>
    /// <param name="options">The confidence's warp-error sigma and the scene-cut drop.</param>
    public FlowPair(MatCalls cv, int width, int height, TemporalOptions options)
    {
        _cv = cv;
        _luma = _buffers.Own(new LumaScaler(cv, width, height));
        _confidence = _buffers.Own(new FlowConfidence(width, height, options.WarpErrorSigma));
        _sceneCut = new SceneCutDetector(options.SceneCutDrop);
        _noMap = _buffers.Empty();
        _grid = _buffers.Own(FlowMaps.CreateGrid(width, height));
        _map = _buffers.New(height, width, MatType.CV_32FC2);
        _reversed = _buffers.New(height, width, MatType.CV_32FC2);
        _current = _buffers.New(height, width, MatType.CV_8UC1);
        _previous = _buffers.New(height, width, MatType.CV_8UC1);
        _next = _buffers.New(height, width, MatType.CV_8UC1);
        Backward = _buffers.New(height, width, MatType.CV_32FC2);
        Forward = _buffers.New(height, width, MatType.CV_32FC2);
        BackwardConfidence = _buffers.New(height, width, MatType.CV_32FC1);
        ForwardConfidence = _buffers.New(height, width, MatType.CV_32FC1);
    }

    /// <summary>What is known about the flow from the coming frame back to the last processed one.</summary>
    private enum PairState
    {
        /// <summary>Nothing: the next <see cref="TrackBack"/> measures it itself.</summary>
        Unknown,

        /// <summary><see cref="Backward"/> and <see cref="BackwardConfidence"/> hold it, measured with the lookahead.</summary>
        Ready,

        /// <summary>Measured with the lookahead, and it is a scene cut.</summary>
        Cut,
    }

    /// <summary>Flow current -> previous (CV_32FC2, flow resolution) after <see cref="TrackBack"/>; next -> current after <see cref="LookAhead"/>.</summary>
    public Mat Backward { get; }

    /// <summary>Trust in <see cref="Backward"/> (CV_32FC1, 0..1, from <see cref="FlowConfidence"/>); read it before <see cref="LookAhead"/>, which replaces it with the next pair's.</summary>
    public Mat BackwardConfidence { get; }

    /// <summary>Flow current -> next after a <see cref="LookAhead"/> that returned true.</summary>
    public Mat Forward { get; }

    /// <summary>Trust in <see cref="Forward"/> after a <see cref="LookAhead"/> that returned true.</summary>
    public Mat ForwardConfidence { get; }

    /// <summary>True when the last <see cref="TrackBack"/> found a scene cut between the previous and the current frame.</summary>
    public bool IsCut { get; private set; }

    /// <summary>Takes the current input frame (BGR, any size): its luminance, unless the lookahead already made it.</summary>
    public void Begin(Mat input)
    {
        if (_nextReady)
        {
            (_current, _next) = (_next, _current);
            _nextReady = false;
        }
        else
        {
            _luma.Convert(input, _current);
        }
    }

    /// <summary>
    /// Makes <see cref="Backward"/> and <see cref="BackwardConfidence"/> describe the flow from the current
    /// frame back to the previous one, measuring it unless the lookahead already did; false at a scene cut.
    /// </summary>
    public bool TrackBack()
    {
        var state = _pair;
        _pair = PairState.Unknown;
        if (state == PairState.Unknown)
        {
            // Without lookahead the backward flow of the last pair, if there was one, is a close guess.
            if (_backwardIsWarm)
            {
                _flow.Track(_current, _previous, Backward);
            }
            else
            {
                _flow.Compute(_current, _previous, Backward);
            }

            state = MeasureForward(_current, _previous) ? PairState.Cut : PairState.Ready;
        }

        IsCut = state == PairState.Cut;
        _backwardIsWarm = state == PairState.Ready;
        return state == PairState.Ready;
    }

    /// <summary>
    /// Measures the pair (current, next): the backward flow next -> current (tracked on from the last pair's)
    /// and its confidence are kept for the next frame; the forward flow current -> next (refined from minus
    /// the backward flow) and its confidence are for this one. False when the pair is a scene cut (then the
    /// next frame starts afresh and this one has no lookahead).
    /// </summary>
    public bool LookAhead(Mat nextInput)
    {
        _luma.Convert(nextInput, _next);
        _nextReady = true;

        // Backward still holds current -> previous: a close guess for next -> current.
        _flow.Track(_next, _current, Backward);
        var cut = MeasureForward(_next, _current);
        _pair = cut ? PairState.Cut : PairState.Ready;
        if (cut)
        {
            return false;
        }

        // Trust in a forward match is the trust already measured for the backward match at its target.
        FlowMaps.ToSamplingMap(_cv, Forward, _grid, _map);
        _cv.Remap(BackwardConfidence, ForwardConfidence, _map, _noMap, InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(0));
        return true;
    }

    /// <summary>
    /// The current frame starts a new history (first frame, or a cut): nothing is tracked into it, and with
    /// <paramref name="nextInput"/> the pair (current, next) is measured now so the next frame uses it like any other.
    /// </summary>
    public void StartAfresh(Mat? nextInput)
    {
        _pair = PairState.Unknown;
        _backwardIsWarm = false;
        if (nextInput is not null)
        {
            _luma.Convert(nextInput, _next);
            _nextReady = true;
            _flow.Compute(_next, _current, Backward);
            _pair = MeasureForward(_next, _current) ? PairState.Cut : PairState.Ready;
        }
    }

    /// <summary>The current frame becomes the previous one.</summary>
    public void Advance() => (_current, _previous) = (_previous, _current);

    /// <summary>Forgets every pair: the next frame is measured from scratch.</summary>
    public void Reset()
    {
        _nextReady = false;
        _backwardIsWarm = false;
        _pair = PairState.Unknown;
        _sceneCut.Reset();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _flow.Dispose();
        _buffers.Dispose();
    }

    /// <summary>
    /// With <see cref="Backward"/> holding later -> earlier: the forward flow earlier -> later (the backward flow
    /// reversed, <see cref="FlowMaps.Reverse"/>), the backward confidence, and whether the pair is a scene cut.
    /// </summary>
    private bool MeasureForward(Mat later, Mat earlier)
    {
        FlowMaps.Reverse(_cv, Backward, _grid, _map, _reversed, Forward);
        return _sceneCut.IsCut(_confidence.Compute(later, earlier, Backward, Forward, BackwardConfidence));
    }
}
