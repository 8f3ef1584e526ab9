using System.Collections.Concurrent;

namespace VideoStyler.Tests.Support;

/// <summary>
/// A fresh empty folder under the system temp folder (temp/videostyler-tests/RANDOM), removed with
/// everything in it when disposed: declare it with <c>using</c> first in a test, so that it goes last,
/// after the processes writing into it, whether the test passed or failed. A folder that cannot be
/// removed at once (a process still closing a file) is tried again when the test process exits.
/// </summary>
internal sealed class TempFolder : IDisposable
{
    private static readonly ConcurrentDictionary<string, byte> Left = new(StringComparer.Ordinal);

    static TempFolder()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var path in Left.Keys)
            {
                TryRemove(path);
            }
        };
    }

    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "videostyler-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path in the folder (nothing is created).</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>
    /// A folder that lives until the test process ends (for callers that cannot dispose it, such as
    /// <see cref="TestPaths.NewTempFolder"/>).
    /// </summary>
    internal static string ForProcessLifetime()
    {
        var folder = new TempFolder();
        Left.TryAdd(folder.Path, 0);
        return folder.Path;
    }

    public void Dispose()
    {
        // A child process killed a moment ago may still be closing its files: a few tries.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (TryRemove(Path))
            {
                return;
            }

            Thread.Sleep(100 * (attempt + 1));
        }

        Left.TryAdd(Path, 0);
    }

    /// <summary>Removes the folder; true when it is gone. Links in it are removed, never followed.</summary>
    private static bool TryRemove(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                MakeWritable(path);
                Directory.Delete(path, recursive: true);
            }

            Left.TryRemove(path, out _);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Tests that take write permission away from a folder (to provoke an error) leave it removable.</summary>
    private static void MakeWritable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(path));
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            if (dir.LinkTarget is not null)
            {
                continue;
            }

            const UnixFileMode Needed = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            if ((dir.UnixFileMode & Needed) != Needed)
            {
                dir.UnixFileMode |= Needed;
            }

            foreach (var child in dir.EnumerateDirectories())
            {
                pending.Push(child);
            }
        }
    }
}
