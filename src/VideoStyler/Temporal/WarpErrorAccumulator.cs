using OpenCvSharp;

namespace VideoStyler.Temporal;

/// <summary>Running E_warp of one video, fed frame by frame with the meter's flow for each pair.</summary>
internal sealed class WarpErrorAccumulator : IDisposable
{
    private readonly Mat _noMap = new();
    private readonly Mat _warped;
    private readonly int _height;
    private Mat _current;
    private Mat _previous;
    private double _sum;
    private int _pairs;

    public WarpErrorAccumulator(int width, int height)
    {
        _height = height;
        _current = new Mat(height, width, MatType.CV_32FC3);
        _previous = new Mat(height, width, MatType.CV_32FC3);
        _warped = new Mat(height, width, MatType.CV_32FC3);
    }

    /// <summary>Mean over frame pairs of the masked squared warp error (0 before the second frame).</summary>
    public double Mean => _pairs == 0 ? 0 : _sum / _pairs;

    /// <summary>
    /// Adds a frame (8-bit BGR). <paramref name="flow"/> holds the map and mask from the previous frame to this
    /// one, or is null for the first frame of the clip; a pair with no valid pixel is left out of the mean.
    /// </summary>
    /// <param name="frame">The next frame of this video.</param>
    /// <param name="flow">The meter's flow for the pair ending at this frame, or null for the first frame.</param>
    /// <param name="validCount">The number of valid pixels in <see cref="OcclusionAwareFlow.Valid"/>.</param>
    public void Add(Mat frame, OcclusionAwareFlow? flow, int validCount)
    {
        frame.ConvertTo(_current, MatType.CV_32FC3, 1.0 / 255.0);
        if (flow is not null && validCount > 0)
        {
            Cv2.Remap(_previous, _warped, flow.Map, _noMap, InterpolationFlags.Linear, BorderTypes.Replicate);
            var sum = 0.0;
            for (var y = 0; y < _height; y++)
            {
                var current = _current.RowSpan<float>(y);
                var warped = _warped.RowSpan<float>(y);
                var valid = flow.Valid.RowSpan<byte>(y);
                for (var x = 0; x < valid.Length; x++)
                {
                    if (valid[x] == 0)
                    {
                        continue;
                    }

                    var i = 3 * x;
                    var d0 = current[i] - warped[i];
                    var d1 = current[i + 1] - warped[i + 1];
                    var d2 = current[i + 2] - warped[i + 2];
                    sum += d0 * d0 + d1 * d1 + d2 * d2;
                }
            }

            _sum += sum / validCount;
            _pairs++;
        }

        (_current, _previous) = (_previous, _current);
    }

    public void Dispose()
    {
        _noMap.Dispose();
        _current.Dispose();
        _previous.Dispose();
        _warped.Dispose();
    }
}
