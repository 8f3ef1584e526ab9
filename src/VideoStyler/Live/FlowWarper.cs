using OpenCvSharp;

namespace VideoStyler.Live;

/// <summary>
/// Carries a stylized keyframe to a later frame: dense optical flow (Farneback) from the current frame
/// to the keyframe, computed on small grayscale copies to stay cheap, scaled up and used to remap the
/// keyframe's stylized picture onto the current frame's geometry (backward warping, no holes).
/// </summary>
internal sealed class FlowWarper : IDisposable
{
    private readonly int _width;
    private readonly int _height;
    private readonly Size _small;
    private readonly Mat _smallBgr;
    private readonly Mat _flow;
    private readonly Mat _flowBig;
    private readonly Mat _grid;
    private readonly Mat _map;
    private readonly Scalar _scale;

    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="flowWidth">Width of the grayscale copies the flow is computed on.</param>
    public FlowWarper(int width, int height, int flowWidth)
    {
        _width = width;
        _height = height;
        var smallWidth = Math.Clamp(flowWidth, 16, width);
        var smallHeight = Math.Max(16, (int)Math.Round(height * (smallWidth / (double)width)));
        _small = new Size(smallWidth, smallHeight);
        _smallBgr = new Mat(_small, MatType.CV_8UC3);
        _flow = new Mat(_small, MatType.CV_32FC2, Scalar.All(0));
        _flowBig = new Mat(height, width, MatType.CV_32FC2);
        _map = new Mat(height, width, MatType.CV_32FC2);
        _grid = new Mat(height, width, MatType.CV_32FC2);
        var coordinates = new float[width * height * 2];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var at = ((y * width) + x) * 2;
                coordinates[at] = x;
                coordinates[at + 1] = y;
            }
        }

        System.Runtime.InteropServices.Marshal.Copy(coordinates, 0, _grid.Data, coordinates.Length);
        _scale = new Scalar(width / (double)smallWidth, height / (double)smallHeight);
    }

    public Size SmallSize => _small;

    /// <summary>A new small grayscale image of the size the flow works on.</summary>
    public Mat NewSmallGray() => new(_small, MatType.CV_8UC1, Scalar.All(0));

    /// <summary>Downscales a BGR frame into <paramref name="smallGray"/>.</summary>
    public void ToSmallGray(Mat bgr, Mat smallGray)
    {
        Cv2.Resize(bgr, _smallBgr, _small, 0, 0, InterpolationFlags.Area);
        Cv2.CvtColor(_smallBgr, smallGray, ColorConversionCodes.BGR2GRAY);
    }

    /// <summary>
    /// Writes into <paramref name="destination"/> the keyframe's stylized picture moved to where the
    /// current frame has its content.
    /// </summary>
    public void Warp(Mat keyStylized, Mat keyGray, Mat currentGray, Mat destination)
    {
        // flow(x) such that current(x) ~ key(x + flow(x)): sample the keyframe at x + flow(x).
        Cv2.CalcOpticalFlowFarneback(currentGray, keyGray, _flow, 0.5, 3, 13, 3, 5, 1.1, OpticalFlowFlags.None);
        Cv2.Resize(_flow, _flowBig, new Size(_width, _height), 0, 0, InterpolationFlags.Linear);
        Cv2.Multiply(_flowBig, _scale, _flowBig);
        Cv2.Add(_flowBig, _grid, _map);
        Cv2.Remap(keyStylized, destination, _map, new Mat(), InterpolationFlags.Linear, BorderTypes.Replicate);
    }

    public void Dispose()
    {
        _smallBgr.Dispose();
        _flow.Dispose();
        _flowBig.Dispose();
        _grid.Dispose();
        _map.Dispose();
    }
}
