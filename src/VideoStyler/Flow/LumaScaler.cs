using OpenCvSharp;
using VideoStyler.Frames;

namespace VideoStyler.Flow;

/// <summary>
/// Makes the 8-bit luminance image the flow is measured on from a BGR frame: an area downscale to the flow
/// resolution, then grey. Calls OpenCV through the owning stage's <see cref="MatCalls"/> (one per stage: the
/// stage's frames get their native proxies once). Buffers are made once; not thread-safe.
/// </summary>
internal sealed class LumaScaler : IDisposable
{
    private readonly MatCalls _cv;
    private readonly Mat _smallBgr;

    /// <param name="cv">The owning stage's OpenCV calls (not disposed here).</param>
    /// <param name="width">Flow-resolution width.</param>
    /// <param name="height">Flow-resolution height.</param>
    public LumaScaler(MatCalls cv, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(cv);
        _cv = cv;
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Size = new Size(width, height);
        _smallBgr = new Mat(height, width, MatType.CV_8UC3);
    }

    /// <summary>The flow resolution.</summary>
    public Size Size { get; }

    /// <summary>
    /// The flow resolution for frames of <paramref name="width"/> x <paramref name="height"/> at
    /// <paramref name="scale"/> of their size, each side at least 16.
    /// </summary>
    public static Size ScaledSize(int width, int height, double scale) =>
        new(Math.Max(16, (int)Math.Round(width * scale)), Math.Max(16, (int)Math.Round(height * scale)));

    /// <summary>Writes the luminance of <paramref name="bgr"/> (any size, CV_8UC3) at <see cref="Size"/> into <paramref name="luma"/> (CV_8UC1).</summary>
    public void Convert(Mat bgr, Mat luma)
    {
        _cv.Resize(bgr, _smallBgr, InterpolationFlags.Area);
        _cv.CvtColor(_smallBgr, luma, ColorConversionCodes.BGR2GRAY);
    }

    /// <inheritdoc/>
    public void Dispose() => _smallBgr.Dispose();
}
