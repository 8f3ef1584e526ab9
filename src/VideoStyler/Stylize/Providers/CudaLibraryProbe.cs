namespace VideoStyler.Stylize.Providers;

/// <summary>
/// Finds the CUDA libraries (<see cref="CudaLibraries"/>) without loading anything, so the user need
/// not set LD_LIBRARY_PATH. Folders are searched in this order, the first holding a file of the exact
/// name wins:
/// <list type="number">
/// <item>LD_LIBRARY_PATH (what the user asked for comes first);</item>
/// <item>the NVIDIA pip wheels (site-packages/nvidia/*/lib, e.g. nvidia/cu13/lib and nvidia/cudnn/lib)
/// of the active virtual environment (VIRTUAL_ENV), of conda (CONDA_PREFIX, also its lib), of the
/// Pythons on PATH, of the user (~/.local), of pyenv and of the system Pythons
/// (/usr/local/lib/python3*/dist-packages and site-packages, /usr/lib/python3*/...), and TensorRT's wheel
/// (site-packages/tensorrt_libs);</item>
/// <item>the CUDA toolkits: /usr/local/cuda*/lib64 and /usr/local/cuda*/targets/*/lib (/usr/local/cuda
/// first, then versions newest first);</item>
/// <item>the system library folders, where the driver's libcuda.so.1 lives (/usr/local/nvidia/lib64 in
/// containers, /usr/lib/x86_64-linux-gnu, /usr/lib64, /lib/x86_64-linux-gnu, /usr/lib/wsl/lib).</item>
/// </list>
/// </summary>
internal static class CudaLibraryProbe
{
    /// <summary>The system library folders, where the driver's libcuda.so.1 lives.</summary>
    private static readonly string[] SystemLibraryFolders =
        ["/usr/local/nvidia/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/lib/wsl/lib"];

    /// <summary>Finds <paramref name="libraries"/> (default: <see cref="CudaLibraries.All"/>) in <see cref="SearchFolders"/>.</summary>
    public static CudaLibraryScan Find(CudaSearchEnvironment environment, IReadOnlyList<CudaLibrary>? libraries = null)
    {
        var folders = SearchFolders(environment);
        var found = (libraries ?? CudaLibraries.All)
            .Select(library => (library, folders.Select(f => Path.Join(f, library.FileName)).FirstOrDefault(File.Exists)))
            .ToList();
        return new CudaLibraryScan(folders, found);
    }

    /// <summary>The folders that exist, in search order, each once.</summary>
    public static IReadOnlyList<string> SearchFolders(CudaSearchEnvironment environment)
    {
        var candidates = new List<string>();
        candidates.AddRange(Split(environment.LdLibraryPath));

        foreach (var prefix in PythonPrefixes(environment))
        {
            candidates.AddRange(Expand(prefix, "lib/python3*/site-packages/nvidia/*/lib"));
            candidates.AddRange(Expand(prefix, "lib/python3*/dist-packages/nvidia/*/lib"));
            candidates.AddRange(Expand(prefix, "lib/python3*/site-packages/tensorrt_libs"));
            candidates.AddRange(Expand(prefix, "lib/python3*/dist-packages/tensorrt_libs"));
        }

        if (!string.IsNullOrEmpty(environment.CondaPrefix))
        {
            candidates.Add(Path.Join(environment.CondaPrefix, "lib"));
        }

        candidates.AddRange(Expand(environment.UnderRoot("/usr/lib/python3"), "dist-packages/nvidia/*/lib"));
        foreach (var toolkit in Expand(environment.UnderRoot("/usr/local"), "cuda*"))
        {
            candidates.Add(Path.Join(toolkit, "lib64"));
            candidates.AddRange(Expand(toolkit, "targets/*/lib"));
        }

        candidates.AddRange(
            SystemLibraryFolders.Select(environment.UnderRoot));

        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. candidates.Select(Normalize).Where(f => Directory.Exists(f) && seen.Add(f))];
    }

    /// <summary>
    /// The Python installations whose site-packages may hold NVIDIA wheels, most specific first: the
    /// virtual environment, conda, each PATH folder's parent that has a lib/python3* (a venv or a Python
    /// installed under its own prefix), the user's ~/.local and pyenv versions, then the system's.
    /// </summary>
    private static IEnumerable<string> PythonPrefixes(CudaSearchEnvironment environment)
    {
        if (!string.IsNullOrEmpty(environment.VirtualEnv))
        {
            yield return environment.VirtualEnv;
        }

        if (!string.IsNullOrEmpty(environment.CondaPrefix))
        {
            yield return environment.CondaPrefix;
        }

        foreach (var bin in Split(environment.SearchPath))
        {
            if (Path.GetFileName(bin.TrimEnd('/')) == "bin" && Path.GetDirectoryName(bin.TrimEnd('/')) is { Length: > 0 } prefix)
            {
                yield return prefix;
            }
        }

        if (!string.IsNullOrEmpty(environment.Home))
        {
            yield return Path.Join(environment.Home, ".local");
            foreach (var version in Expand(Path.Join(environment.Home, ".pyenv"), "versions/*"))
            {
                yield return version;
            }
        }

        yield return environment.UnderRoot("/usr/local");
        yield return environment.UnderRoot("/usr");
        yield return environment.UnderRoot("/opt/conda");
    }

    /// <summary>
    /// The folders under <paramref name="folder"/> matching <paramref name="pattern"/> ('/'-separated
    /// segments, '*' wildcards), each segment's matches sorted newest version first (so cuda-13.1 comes
    /// before cuda-13.0 and python3.12 before python3.9), except that an exact name without a version
    /// ("cuda") comes before its versioned siblings.
    /// </summary>
    internal static IEnumerable<string> Expand(string folder, string pattern)
    {
        IEnumerable<string> current = [folder];
        foreach (var segment in pattern.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = segment.Contains('*')
                ? current.SelectMany(dir => Matches(dir, segment)).ToList()
                : current.Select(dir => Path.Join(dir, segment)).Where(Directory.Exists).ToList();
        }

        return current;
    }

    private static List<string> Matches(string folder, string segment)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        try
        {
            return Directory.EnumerateDirectories(folder, segment)
                .OrderBy(d => Path.GetFileName(d).Length == segment.Length - 1 ? 0 : 1) // "cuda" for "cuda*"
                .ThenByDescending(d => VersionKey(Path.GetFileName(d)), StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>A key that sorts "cuda-13.10" after "cuda-13.9": every run of digits zero-padded.</summary>
    private static string VersionKey(string name) =>
        System.Text.RegularExpressions.Regex.Replace(
            name, "[0-9]+", m => m.Value.PadLeft(8, '0'), System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));

    private static string[] Split(string? list) =>
        string.IsNullOrEmpty(list) ? [] : list.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Normalize(string folder)
    {
        var full = Path.GetFullPath(folder);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }
}
