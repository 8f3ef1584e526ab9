using OpenCvSharp;
using VideoStyler.Frames;

namespace VideoStyler.Flow;

/// <summary>
/// Backward warping of full-size pictures by a flow measured at a lower (or the same) resolution: the flow
/// is resized to the picture and its vectors scaled by the ratio, added to the pixel grid, converted to
/// OpenCV's fixed-point map form (1/32 pixel, for which the bicubic remap runs about twice as fast) and
/// the picture is sampled there (no holes; edges replicated). Calls OpenCV through the owning stage's
/// <see cref="MatCalls"/>. Buffers are made once; not thread-safe.
/// </summary>
internal sealed class FlowWarper : IDisposable
{
    private readonly MatCalls _cv;
    private readonly MatBuffers _buffers = new();
    private readonly Mat _noMap;
    private readonly Mat _grid;
    private readonly Mat _upsampledFlow;
    private readonly Mat _map;
    private readonly Mat _fixedMap;
    private readonly Mat _fixedMapFraction;

    /// <param name="cv">The owning stage's OpenCV calls (not disposed here).</param>
    /// <param name="width">Width of the pictures warped.</param>
    /// <param name="height">Height of the pictures warped.</param>
    public FlowWarper(MatCalls cv, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(cv);
        _cv = cv;
        _noMap = _buffers.Empty();
        _grid = _buffers.Own(FlowMaps.CreateGrid(width, height));
        _upsampledFlow = _buffers.New(height, width, MatType.CV_32FC2);
        _map = _buffers.New(height, width, MatType.CV_32FC2);
        _fixedMap = _buffers.New(height, width, MatType.CV_16SC2);
        _fixedMapFraction = _buffers.New(height, width, MatType.CV_16UC1);
    }

    /// <summary>
    /// Writes into <paramref name="warped"/> the <paramref name="image"/> sampled at x + flow(x), for a
    /// CV_32FC2 <paramref name="flow"/> of any resolution (vectors in its own pixels).
    /// </summary>
    public void Warp(Mat image, Mat flow, Mat warped, InterpolationFlags interpolation)
    {
        FlowMaps.UpsampleToSamplingMap(_cv, flow, _grid, _upsampledFlow, _map);
        _cv.ConvertMaps(_map, _noMap, _fixedMap, _fixedMapFraction, MatType.CV_16SC2, nearestNeighbour: false);
        _cv.Remap(image, warped, _fixedMap, _fixedMapFraction, interpolation, BorderTypes.Replicate);
    }

    /// <inheritdoc/>
    public void Dispose() => _buffers.Dispose();
}
