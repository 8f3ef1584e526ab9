using OpenCvSharp;

namespace VideoStyler.Quality;

/// <summary>
/// Reading the clips the measurements compare (OpenCV's reader): opening with a clear error, reading a frame,
/// checking that every clip has the input's frame size. Shared by the style meter and the flicker meter.
/// </summary>
internal static class ClipFrames
{
    /// <summary>Opens a video (or an image-sequence pattern with '%'), or throws a one-line error naming its <paramref name="role"/>.</summary>
    public static VideoCapture Open(string path, string role)
    {
        ArgumentException.ThrowIfNullOrEmpty(path, role);
        if (!path.Contains('%', StringComparison.Ordinal) && !File.Exists(path))
        {
            throw new FileNotFoundException($"The {role} video '{path}' does not exist.", path);
        }

        var capture = new VideoCapture(path);
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new InvalidDataException($"The {role} video '{path}' could not be opened.");
        }

        return capture;
    }

    /// <summary>Reads the next frame into <paramref name="frame"/>; false at the end.</summary>
    public static bool Read(VideoCapture capture, Mat frame) => capture.Read(frame) && !frame.Empty();

    /// <summary>Throws when frame <paramref name="index"/> of <paramref name="path"/> is not <paramref name="width"/> x <paramref name="height"/> 8-bit BGR.</summary>
    public static void CheckSize(Mat frame, int width, int height, string path, int index)
    {
        if (frame.Cols != width || frame.Rows != height || frame.Type() != MatType.CV_8UC3)
        {
            throw new InvalidDataException(
                $"Frame {index} of '{path}' is {frame.Cols}x{frame.Rows} ({frame.Type()}), expected {width}x{height} 8-bit BGR like the input.");
        }
    }
}
