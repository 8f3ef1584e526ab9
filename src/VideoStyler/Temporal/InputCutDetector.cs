using OpenCvSharp;
using VideoStyler.Flow;
using VideoStyler.Frames;

namespace VideoStyler.Temporal;

/// <summary>
/// Scene cuts in the input, for stages that run before the pixel stage has measured its own flow (the
/// statistics smoothing of <see cref="Stylize.SmoothedNormStylizer"/>): the same test as the pixel stage
/// (<see cref="SceneCutDetector"/> on the mean <see cref="FlowConfidence"/> of the flow from each frame to
/// the previous one) on quarter-size luminance (160x120 for 640x480), which costs a few milliseconds. The
/// first frame counts as a cut.
/// </summary>
internal sealed class InputCutDetector : IDisposable
{
    private const double Scale = 0.25;

    private readonly MatCalls _cv = new();
    private readonly MatBuffers _buffers = new();
    private readonly FarnebackFlowEstimator _flow;
    private readonly LumaScaler _luma;
    private readonly FlowConfidence _confidence;
    private readonly SceneCutDetector _detector;
    private readonly Mat _backward;
    private readonly Mat _forward;
    private readonly Mat _trust;
    private Mat _current;
    private Mat _previous;
    private bool _hasPrevious;

    public InputCutDetector(int width, int height, TemporalOptions options)
    {
        var small = LumaScaler.ScaledSize(width, height, Scale);
        var (smallWidth, smallHeight) = (small.Width, small.Height);
        _flow = _buffers.Own(new FarnebackFlowEstimator());
        _luma = _buffers.Own(new LumaScaler(_cv, smallWidth, smallHeight));
        // The warp-error scale is in 8-bit levels and does not change with the size; flow tolerances are in
        // flow-resolution pixels, so a quarter size is, if anything, more lenient than the pixel stage's half.
        _confidence = _buffers.Own(new FlowConfidence(smallWidth, smallHeight, options.WarpErrorSigma));
        _detector = new SceneCutDetector(options.SceneCutDrop);
        _backward = _buffers.New(smallHeight, smallWidth, MatType.CV_32FC2);
        _forward = _buffers.New(smallHeight, smallWidth, MatType.CV_32FC2);
        _trust = _buffers.New(smallHeight, smallWidth, MatType.CV_32FC1);
        _current = _buffers.New(smallHeight, smallWidth, MatType.CV_8UC1);
        _previous = _buffers.New(smallHeight, smallWidth, MatType.CV_8UC1);
    }

    /// <summary>Takes the next input frame (BGR 8UC3); true when it starts a new scene (or is the first).</summary>
    public bool IsCut(Mat frame)
    {
        _luma.Convert(frame, _current);
        var cut = true;
        if (_hasPrevious)
        {
            _flow.Compute(_current, _previous, _backward);
            _flow.Compute(_previous, _current, _forward);
            cut = _detector.IsCut(_confidence.Compute(_current, _previous, _backward, _forward, _trust));
        }
        else
        {
            _detector.Reset();
        }

        (_current, _previous) = (_previous, _current);
        _hasPrevious = true;
        return cut;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _cv.Dispose();
        _buffers.Dispose();
    }
}
