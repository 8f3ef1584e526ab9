using VideoStyler.Frames;

namespace VideoStyler.Stills;

/// <summary>
/// Captures what native code writes to the process's stderr (file descriptor 2) while a call runs.
/// libjpeg, inside OpenCV's decoder, prints its recoverable-corruption warnings ("Corrupt JPEG data:
/// ...") straight to stderr and still returns a picture; captured, they tell a damaged file from a
/// good one, and the user sees our one line instead of a library's. Only for short, single-threaded
/// moments (decoding one still); elsewhere (not Linux/macOS, or if the descriptor cannot be
/// duplicated) the call simply runs and nothing is captured.
/// </summary>
internal static class NativeStderr
{
    private const int StderrFd = 2;

    public static T Capture<T>(Func<T> work, out string captured)
    {
        captured = "";
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return work();
        }

        var path = Path.Combine(Path.GetTempPath(), $".videostyler-stderr-{Environment.ProcessId}-{Guid.NewGuid():N}");
        using var sink = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.DeleteOnClose);
        Console.Error.Flush();
        var saved = Libc.Dup(StderrFd);
        if (saved < 0 || Libc.Dup2((int)sink.SafeFileHandle.DangerousGetHandle(), StderrFd) < 0)
        {
            if (saved >= 0)
            {
                Libc.Close(saved);
            }

            return work();
        }

        try
        {
            return work();
        }
        finally
        {
            Libc.Dup2(saved, StderrFd);
            Libc.Close(saved);
            sink.Position = 0;
            using var reader = new StreamReader(sink, leaveOpen: true);
            captured = reader.ReadToEnd();
        }
    }
}
