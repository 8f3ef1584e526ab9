using OpenCvSharp;
using OpenCvSharp.OptFlow;
using VideoStyler.Flow;
using VideoStyler.Frames;

namespace VideoStyler.Temporal;

/// <summary>
/// The flicker meter's own motion model, deliberately unlike the blender's so that the blender is not graded
/// by its own flow: a different algorithm (OpenCV's sparse-to-dense flow: pyramidal Lucas-Kanade matches on
/// a grid, densified by edge-aware interpolation) at full resolution, and the hard occlusion mask of Lai et
/// al. 2018 after Ruder et al. 2016 (forward-backward inconsistency or motion boundary). About 0.5 s per
/// 640x480 pair on 2 cores; DualTVL1 would be the textbook choice but the OpenCvSharp runtime lacks it. Gives, for a consecutive pair, the map that warps the previous frame onto the current one
/// and the pixels where that warp is meaningful.
/// </summary>
internal sealed class OcclusionAwareFlow : IDisposable
{
    // Occlusion: |b + f(x + b)|^2 > 0.01 (|b|^2 + |f|^2) + 0.5; motion boundary: |grad b|^2 > 0.01 |b|^2 + 0.002.
    private const float RelativeInconsistency = 0.01f;
    private const float AbsoluteInconsistency = 0.5f;
    private const float RelativeBoundary = 0.01f;
    private const float AbsoluteBoundary = 0.002f;

    private const int DefaultGridStep = 8;
    private const int MinimumSide = 32;

    private readonly MatCalls _cv = new();
    private readonly Mat _noMap = new();
    private readonly Mat _grid;
    private readonly Mat _backward;
    private readonly Mat _forward;
    private readonly Mat _forwardAtTarget;
    private readonly int _width;
    private readonly int _height;
    private readonly int _gridStep;

    public OcclusionAwareFlow(int width, int height)
    {
        if (width < MinimumSide || height < MinimumSide)
        {
            throw new InvalidDataException($"Frames of {width}x{height} are too small to measure motion (at least {MinimumSide}x{MinimumSide}).");
        }

        _width = width;
        _height = height;

        // The edge-aware interpolation draws on its 128 nearest matches: OpenCV's default 8-pixel grid leaves
        // small frames (under about 100x100) with fewer than that, and the native code then crashes at random.
        // Keep at least 1024 grid points (full-size clips still use the 8-pixel grid).
        _gridStep = Math.Clamp((int)Math.Sqrt(width * (double)height / 1024), 1, DefaultGridStep);
        _grid = FlowMaps.CreateGrid(width, height);
        _backward = new Mat(height, width, MatType.CV_32FC2);
        _forward = new Mat(height, width, MatType.CV_32FC2);
        _forwardAtTarget = new Mat(height, width, MatType.CV_32FC2);
        Map = new Mat(height, width, MatType.CV_32FC2);
        Valid = new Mat(height, width, MatType.CV_8UC1);
    }

    /// <summary>CV_32FC2 sampling map: previous frame remapped with it lines up with the current frame.</summary>
    public Mat Map { get; }

    /// <summary>CV_8UC1, 1 where the pixel is visible in both frames and away from motion boundaries, else 0.</summary>
    public Mat Valid { get; }

    /// <summary>
    /// Computes <see cref="Map"/> and <see cref="Valid"/> for two consecutive 8-bit luminance frames and returns
    /// the number of valid pixels. Pixels whose match lies outside the previous frame are not valid either.
    /// </summary>
    public int Compute(Mat previousLuma, Mat currentLuma)
    {
        CvOptFlow.CalcOpticalFlowSparseToDense(currentLuma, previousLuma, _backward, _gridStep);
        CvOptFlow.CalcOpticalFlowSparseToDense(previousLuma, currentLuma, _forward, _gridStep);
        FlowMaps.ToSamplingMap(_cv, _backward, _grid, Map);
        Cv2.Remap(_forward, _forwardAtTarget, Map, _noMap, InterpolationFlags.Linear, BorderTypes.Replicate);

        var count = 0;
        for (var y = 0; y < _height; y++)
        {
            var b = _backward.RowSpan<Vec2f>(y);
            var below = _backward.RowSpan<Vec2f>(Math.Min(y + 1, _height - 1));
            var f = _forwardAtTarget.RowSpan<Vec2f>(y);
            var map = Map.RowSpan<Vec2f>(y);
            var valid = Valid.RowSpan<byte>(y);
            for (var x = 0; x < _width; x++)
            {
                var bMagnitude = b[x].Item0 * b[x].Item0 + b[x].Item1 * b[x].Item1;
                var fMagnitude = f[x].Item0 * f[x].Item0 + f[x].Item1 * f[x].Item1;
                var sx = b[x].Item0 + f[x].Item0;
                var sy = b[x].Item1 + f[x].Item1;
                var inconsistent = sx * sx + sy * sy > RelativeInconsistency * (bMagnitude + fMagnitude) + AbsoluteInconsistency;

                var right = b[Math.Min(x + 1, _width - 1)];
                var dux = right.Item0 - b[x].Item0;
                var dvx = right.Item1 - b[x].Item1;
                var duy = below[x].Item0 - b[x].Item0;
                var dvy = below[x].Item1 - b[x].Item1;
                var boundary = dux * dux + duy * duy + dvx * dvx + dvy * dvy > RelativeBoundary * bMagnitude + AbsoluteBoundary;

                var outside = map[x].Item0 < 0 || map[x].Item0 > _width - 1 || map[x].Item1 < 0 || map[x].Item1 > _height - 1;
                var ok = !(inconsistent || boundary || outside);
                valid[x] = ok ? (byte)1 : (byte)0;
                count += ok ? 1 : 0;
            }
        }

        return count;
    }

    public void Dispose()
    {
        _cv.Dispose();
        _noMap.Dispose();
        _grid.Dispose();
        _backward.Dispose();
        _forward.Dispose();
        _forwardAtTarget.Dispose();
        Map.Dispose();
        Valid.Dispose();
    }
}
