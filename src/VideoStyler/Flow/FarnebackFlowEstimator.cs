using OpenCvSharp;
using VideoStyler.Frames;

namespace VideoStyler.Flow;

/// <summary>
/// Dense Farneback optical flow between two 8-bit luminance images of the same size, tuned for half-size
/// webcam frames (320x240 for 640x480): a 15-pixel window and a 3-level pyramid follow motion of up to about
/// 30 pixels at full size. The cheaper <see cref="Track"/> starts from a guess already in the flow buffer:
/// motion changes little from one frame to the next. The one flow estimator of the
/// program: the batch temporal stage, the feature-flow stage, the input cut detector and live propagation
/// all measure with it. Works on the caller's Mats through cached native proxies (no allocation per call).
/// </summary>
internal sealed class FarnebackFlowEstimator : IDisposable
{
    private readonly MatCalls _cv = new();

    private const double PyramidScale = 0.5;
    private const int PolyN = 5;
    private const double PolySigma = 1.1;
    private readonly int _windowSize;

    /// <summary>The window of the batch stages (flow at half size or finer).</summary>
    public const int DefaultWindowSize = 15;

    /// <summary>
    /// The window of live propagation (<see cref="FlowPropagator"/>), whose flow is coarser (160 pixels wide by
    /// default, a quarter of a webcam frame) and carries a keyframe over several frames: measured on walk.mkv
    /// (starry-night keyframes every 4th frame, 160x120 flow), 13 gives flicker ratio 0.861 against 0.888 with
    /// 15, at the same retention (0.870 / 0.869) and gram retention (0.940 / 0.943).
    /// </summary>
    public const int PropagationWindowSize = 13;

    /// <param name="windowSize">Averaging window of the polynomial expansion, in flow-resolution pixels.</param>
    public FarnebackFlowEstimator(int windowSize = DefaultWindowSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 3);
        _windowSize = windowSize;
    }

    /// <summary>Full solve: flow such that from(x) ~ to(x + flow(x)), written to <paramref name="flow"/> (CV_32FC2).</summary>
    public void Compute(Mat from, Mat to, Mat flow) => Run(from, to, flow, levels: 3, iterations: 3, OpticalFlowFlags.None);

    /// <summary>
    /// Updates a close guess in <paramref name="flow"/> (the previous pair's flow) for the next pair: 2 pyramid
    /// levels, one iteration. A second iteration (before issue 18) changed no metric by more than 0.003 on
    /// walk.mkv (candy, starry-night) and cost about a third of the stage.
    /// </summary>
    public void Track(Mat from, Mat to, Mat flow) => Run(from, to, flow, levels: 1, iterations: 1, OpticalFlowFlags.UseInitialFlow);

    private void Run(Mat from, Mat to, Mat flow, int levels, int iterations, OpticalFlowFlags flags) =>
        _cv.Farneback(from, to, flow, PyramidScale, levels, _windowSize, iterations, PolyN, PolySigma, flags);

    /// <inheritdoc/>
    public void Dispose() => _cv.Dispose();
}
