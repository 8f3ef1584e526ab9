using OpenCvSharp;
using VideoStyler.Frames;

namespace VideoStyler.Flow;

/// <summary>
/// Per-pixel trust in a backward flow (current -> previous), at flow resolution, from two independent cues:
/// forward-backward consistency (occlusions, disocclusions and flow failures make the two flows disagree)
/// and the luminance warp error of the input itself (new content, lighting changes, and any flow error that
/// misaligns texture). Both are flat at 1 where the previous frame explains the current one up to noise,
/// so static, well-tracked areas get full temporal reuse.
/// </summary>
internal sealed class FlowConfidence : IDisposable
{
    // The consistency ratio is Ruder et al.'s test |b + f(x + b)|^2 / (0.01 (|b|^2 + |f|^2) + 0.5), with the
    // constant in flow-resolution pixels: trusted fully below 2 (about 1 px of disagreement at half size,
    // what Farneback shows on static noise), not at all above 4.
    private const float RelativeTolerance = 0.01f;
    private const float AbsoluteTolerance = 0.5f;
    private const float ConsistentRatio = 2f;
    private const float InconsistentRatio = 4f;

    private readonly MatCalls _cv = new();
    private readonly Mat _noMap = new();
    private readonly Mat _grid;
    private readonly Mat _map;
    private readonly Mat _forwardAtTarget;
    private readonly Mat _warpedPrevious;
    private readonly Mat _error;
    private readonly Mat _erodeKernel;
    private readonly int _height;
    private readonly float _errorLow;
    private readonly float _errorHigh;

    /// <param name="width">Flow-resolution width.</param>
    /// <param name="height">Flow-resolution height.</param>
    /// <param name="warpErrorSigma">Luminance warp error (8-bit levels) around which trust falls.</param>
    public FlowConfidence(int width, int height, double warpErrorSigma)
    {
        _height = height;
        _grid = FlowMaps.CreateGrid(width, height);
        _map = new Mat(height, width, MatType.CV_32FC2);
        _forwardAtTarget = new Mat(height, width, MatType.CV_32FC2);
        _warpedPrevious = new Mat(height, width, MatType.CV_8UC1);
        _error = new Mat(height, width, MatType.CV_32FC1);
        _erodeKernel = Cv2.GetStructuringElement(MorphShapes.Rect, new Size(3, 3));
        _errorLow = (float)(0.5 * warpErrorSigma);
        _errorHigh = (float)(1.5 * warpErrorSigma);
    }

    /// <summary>
    /// Fills <paramref name="confidence"/> (CV_32FC1, flow resolution, 0..1) for the flows between two 8-bit
    /// luminance frames and returns its mean.
    /// </summary>
    public double Compute(Mat current, Mat previous, Mat backward, Mat forward, Mat confidence)
    {
        FlowMaps.ToSamplingMap(_cv, backward, _grid, _map);
        _cv.Remap(previous, _warpedPrevious, _map, _noMap, InterpolationFlags.Linear, BorderTypes.Replicate);
        _cv.Remap(forward, _forwardAtTarget, _map, _noMap, InterpolationFlags.Linear, BorderTypes.Replicate);

        _cv.AbsDiff(current, _warpedPrevious, _warpedPrevious);
        _cv.ConvertTo(_warpedPrevious, _error, MatType.CV_32FC1);

        // A 3x3 mean keeps single noisy pixels from punching holes while real misalignment (texture) survives.
        _cv.Blur(_error, _error, new Size(3, 3));

        for (var y = 0; y < _height; y++)
        {
            var b = backward.RowSpan<Vec2f>(y);
            var f = _forwardAtTarget.RowSpan<Vec2f>(y);
            var error = _error.RowSpan<float>(y);
            var conf = confidence.RowSpan<float>(y);
            for (var x = 0; x < conf.Length; x++)
            {
                var sx = b[x].Item0 + f[x].Item0;
                var sy = b[x].Item1 + f[x].Item1;
                var magnitude = b[x].Item0 * b[x].Item0 + b[x].Item1 * b[x].Item1 + f[x].Item0 * f[x].Item0 + f[x].Item1 * f[x].Item1;
                var ratio = (sx * sx + sy * sy) / (RelativeTolerance * magnitude + AbsoluteTolerance);
                conf[x] = Falloff(ratio, ConsistentRatio, InconsistentRatio) * Falloff(error[x], _errorLow, _errorHigh);
            }
        }

        // Spread distrust by one pixel: occlusion borders are where flows are least reliable.
        _cv.Erode(confidence, confidence, _erodeKernel);
        return _cv.Mean(confidence);
    }

    public void Dispose()
    {
        _cv.Dispose();
        _noMap.Dispose();
        _grid.Dispose();
        _map.Dispose();
        _forwardAtTarget.Dispose();
        _warpedPrevious.Dispose();
        _error.Dispose();
        _erodeKernel.Dispose();
    }

    /// <summary>1 up to <paramref name="low"/>, 0 from <paramref name="high"/>, smoothstep in between.</summary>
    private static float Falloff(float value, float low, float high)
    {
        var t = Math.Clamp((value - low) / (high - low), 0f, 1f);
        return 1f - t * t * (3f - 2f * t);
    }
}
