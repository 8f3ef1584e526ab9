namespace VideoStyler.Tests.Support;

/// <summary>Finds the repository root (the folder with VideoStyler.sln) and the shared data beside it.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VideoStyler.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("VideoStyler.sln not found above " + AppContext.BaseDirectory);
    });

    public static string RepoRoot => Root.Value;

    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string SharedData(string name) => Path.Combine(Shared, "data", name);

    public static string SharedModel(string name) => Path.Combine(Shared, "models", name);

    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "VideoStyler.Cli.dll");

    /// <summary>
    /// A fresh empty folder under the system temp folder, removed when the test process exits. A test
    /// should rather hold a <see cref="TempFolder"/> (removed when the test ends).
    /// </summary>
    public static string NewTempFolder() => TempFolder.ForProcessLifetime();
}
