using OpenCvSharp;

namespace VideoStyler.Stills;

/// <summary>A still image as the stylizer takes it: upright 8-bit BGR, and its alpha channel if it had one.</summary>
internal sealed class DecodedImage : IDisposable
{
    public DecodedImage(Mat bgr, Mat? alpha, ImageFormat format, int orientation, int sourceChannels)
    {
        Bgr = bgr;
        Alpha = alpha;
        Format = format;
        Orientation = orientation;
        SourceChannels = sourceChannels;
    }

    /// <summary>8UC3, upright. Transparent pixels are flattened onto white.</summary>
    public Mat Bgr { get; }

    /// <summary>8UC1, upright, or null when the image has no alpha channel.</summary>
    public Mat? Alpha { get; }

    public ImageFormat Format { get; }

    /// <summary>The EXIF orientation that was applied (1 = none).</summary>
    public int Orientation { get; }

    /// <summary>1 (grayscale), 2 (grayscale + alpha), 3 or 4, as stored.</summary>
    public int SourceChannels { get; }

    public int Width => Bgr.Width;

    public int Height => Bgr.Height;

    public void Dispose()
    {
        Bgr.Dispose();
        Alpha?.Dispose();
    }
}
