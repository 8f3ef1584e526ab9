using OpenCvSharp;
using VideoStyler.Frames;

namespace VideoStyler.Flow;

/// <summary>
/// Carries a picture made for a keyframe (its stylization) to a later frame: the full Farneback solve
/// (<see cref="FarnebackFlowEstimator.Compute"/>, with the propagation window
/// <see cref="FarnebackFlowEstimator.PropagationWindowSize"/>) from the later frame's luminance to the keyframe's, both at
/// the flow resolution, then a bilinear <see cref="FlowWarper"/> of the keyframe's picture onto the later
/// frame's geometry. The live runner's propagation between keyframes; allocation-free after construction.
/// One thread at a time.
/// </summary>
internal sealed class FlowPropagator : IDisposable
{
    private readonly MatCalls _cv = new();
    private readonly FarnebackFlowEstimator _estimator;
    private readonly LumaScaler _luma;
    private readonly FlowWarper _warper;
    private readonly Mat _flow;

    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="flowWidth">Width of the luminance images the flow is measured on (the height follows the frame's aspect).</param>
    /// <param name="windowSize">The estimator's window (<see cref="FarnebackFlowEstimator.PropagationWindowSize"/> unless measuring another).</param>
    public FlowPropagator(int width, int height, int flowWidth, int windowSize = FarnebackFlowEstimator.PropagationWindowSize)
    {
        _estimator = new FarnebackFlowEstimator(windowSize);
        var smallWidth = Math.Clamp(flowWidth, 16, width);
        LumaSize = new Size(smallWidth, Math.Max(16, (int)Math.Round(height * (smallWidth / (double)width))));
        _luma = new LumaScaler(_cv, LumaSize.Width, LumaSize.Height);
        _warper = new FlowWarper(_cv, width, height);
        _flow = new Mat(LumaSize, MatType.CV_32FC2, Scalar.All(0));
    }

    /// <summary>The flow resolution: the size of the luminance images.</summary>
    public Size LumaSize { get; }

    /// <summary>A new black luminance image of <see cref="LumaSize"/>, owned by the caller (made when a stage is built).</summary>
    public Mat NewLuma() => new(LumaSize, MatType.CV_8UC1, Scalar.All(0));

    /// <summary>Writes the luminance of a BGR frame at <see cref="LumaSize"/> into <paramref name="luma"/>.</summary>
    public void ToLuma(Mat bgr, Mat luma) => _luma.Convert(bgr, luma);

    /// <summary>
    /// Writes into <paramref name="destination"/> the keyframe's picture moved to where the current frame has
    /// its content: flow(x) such that current(x) ~ key(x + flow(x)), and the picture sampled at x + flow(x).
    /// </summary>
    public void Propagate(Mat keyPicture, Mat keyLuma, Mat currentLuma, Mat destination)
    {
        _estimator.Compute(currentLuma, keyLuma, _flow);
        _warper.Warp(keyPicture, _flow, destination, InterpolationFlags.Linear);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _estimator.Dispose();
        _luma.Dispose();
        _warper.Dispose();
        _flow.Dispose();
        _cv.Dispose();
    }
}
