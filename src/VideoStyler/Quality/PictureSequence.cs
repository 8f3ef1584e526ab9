using OpenCvSharp;

namespace VideoStyler.Quality;

/// <summary>A video read frame by frame, or a still image read as a one-frame sequence.</summary>
internal sealed class PictureSequence : IDisposable
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"];

    private readonly VideoCapture? _capture;
    private Mat? _still;

    private PictureSequence(VideoCapture? capture, Mat? still)
    {
        _capture = capture;
        _still = still;
    }

    /// <summary>Frames the container announces (an estimate for some); 1 for a still image.</summary>
    public int CountEstimate => _capture is null ? 1 : Math.Max(1, (int)_capture.Get(VideoCaptureProperties.FrameCount));

    public static PictureSequence Open(string path, string role)
    {
        if (ImageExtensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
        {
            return new PictureSequence(null, ReadImage(path, role));
        }

        return new PictureSequence(ClipFrames.Open(path, role), null);
    }

    /// <summary>A BGR 8UC3 still image, or a clear error.</summary>
    public static Mat ReadImage(string path, string role)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The {role} image '{path}' does not exist.", path);
        }

        var image = Cv2.ImRead(path, ImreadModes.Color);
        if (image.Empty())
        {
            image.Dispose();
            throw new InvalidDataException($"The {role} image '{path}' could not be read.");
        }

        return image;
    }

    /// <summary>Reads the next frame into <paramref name="frame"/>; false at the end.</summary>
    public bool Read(Mat frame)
    {
        if (_capture is not null)
        {
            return ClipFrames.Read(_capture, frame);
        }

        if (_still is null)
        {
            return false;
        }

        _still.CopyTo(frame);
        _still.Dispose();
        _still = null;
        return true;
    }

    public void Dispose()
    {
        _capture?.Dispose();
        _still?.Dispose();
    }
}
