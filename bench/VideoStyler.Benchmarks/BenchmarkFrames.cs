using OpenCvSharp;

namespace VideoStyler.Benchmarks;

/// <summary>
/// Real input for the benchmarks: two consecutive frames of shared/data/walk.mkv, scaled to the
/// benchmark size. The shared folder sits next to the repository (the folder holding
/// VideoStyler.sln); /work/shared is the fallback. Without the video, two synthetic frames
/// (smoothed noise and a shifted copy) stand in, so the suite still runs anywhere.
/// </summary>
public static class BenchmarkFrames
{
    private const string VideoName = "walk.mkv";
    private const int FirstFrame = 30;

    /// <summary>Two consecutive BGR 8UC3 frames of <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static (Mat First, Mat Second) LoadPair(int width, int height)
    {
        if (FindVideo() is { } path && TryDecodePair(path, width, height) is { } pair)
        {
            return pair;
        }

        Console.Error.WriteLine($"// {VideoName} not found or not decodable: using synthetic frames");
        return SyntheticPair(width, height);
    }

    public static string? FindVideo() => FindSharedFile(Path.Combine("data", VideoName));

    /// <summary>A file under the shared folder (e.g. models/candy.onnx), or null where there is none.</summary>
    public static string? FindSharedFile(string relativePath)
    {
        foreach (var shared in SharedFolders())
        {
            var candidate = Path.Combine(shared, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static IEnumerable<string> SharedFolders()
    {
        // AppContext.BaseDirectory is deep inside bin/ (BenchmarkDotNet builds a child project there),
        // so walk up to the repository root and look beside it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VideoStyler.sln")))
            {
                if (dir.Parent is { } parent)
                {
                    yield return Path.Combine(parent.FullName, "shared");
                }

                break;
            }
        }

        yield return "/work/shared";
    }

    private static (Mat First, Mat Second)? TryDecodePair(string path, int width, int height)
    {
        using var capture = new VideoCapture(path);
        if (!capture.IsOpened())
        {
            return null;
        }

        // Keep the last two frames read up to FirstFrame + 1 (skipping the start, where a fade-in or
        // a still opening would make the flow trivial); a shorter video gives its last two frames.
        using var frame = new Mat();
        Mat? previous = null;
        Mat? current = null;
        try
        {
            for (var index = 0; index <= FirstFrame + 1 && capture.Read(frame) && !frame.Empty(); index++)
            {
                previous?.Dispose();
                previous = current;
                current = frame.Clone();
            }

            return previous is not null && current is not null
                ? (Fit(previous, width, height), Fit(current, width, height))
                : null;
        }
        finally
        {
            previous?.Dispose();
            current?.Dispose();
        }
    }

    private static Mat Fit(Mat frame, int width, int height)
    {
        var result = new Mat(height, width, MatType.CV_8UC3);
        if (frame.Width == width && frame.Height == height)
        {
            frame.CopyTo(result);
        }
        else
        {
            var shrinking = width < frame.Width;
            Cv2.Resize(frame, result, new Size(width, height), 0, 0, shrinking ? InterpolationFlags.Area : InterpolationFlags.Linear);
        }

        return result;
    }

    private static (Mat First, Mat Second) SyntheticPair(int width, int height)
    {
        var first = new Mat(height, width, MatType.CV_8UC3);
        Cv2.Randu(first, Scalar.All(0), Scalar.All(255));
        Cv2.GaussianBlur(first, first, new Size(0, 0), 3);
        Cv2.Normalize(first, first, 0, 255, NormTypes.MinMax);

        // The second frame is the first moved 4 px right and 2 px down: a known, non-trivial flow.
        var second = new Mat(height, width, MatType.CV_8UC3);
        using var shift = new Mat(2, 3, MatType.CV_64FC1);
        shift.Set(0, 0, 1.0);
        shift.Set(0, 1, 0.0);
        shift.Set(0, 2, 4.0);
        shift.Set(1, 0, 0.0);
        shift.Set(1, 1, 1.0);
        shift.Set(1, 2, 2.0);
        Cv2.WarpAffine(first, second, shift, new Size(width, height), InterpolationFlags.Linear, BorderTypes.Reflect101);
        return (first, second);
    }
}
