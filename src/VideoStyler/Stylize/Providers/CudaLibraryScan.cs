namespace VideoStyler.Stylize.Providers;

/// <summary>What <see cref="CudaLibraryProbe.Find"/> found: each library's path (or null), and the folders searched in order.</summary>
internal sealed class CudaLibraryScan
{
    public CudaLibraryScan(IReadOnlyList<string> folders, IReadOnlyList<(CudaLibrary Library, string? Path)> libraries)
    {
        Folders = folders;
        Libraries = libraries;
    }

    /// <summary>The folders that exist, in the order they were searched (the first holding a library wins).</summary>
    public IReadOnlyList<string> Folders { get; }

    /// <summary>Every library asked for, in load order, with where it was found.</summary>
    public IReadOnlyList<(CudaLibrary Library, string? Path)> Libraries { get; }

    /// <summary>The paths found, in the order they must be loaded.</summary>
    public IEnumerable<string> LoadOrder => Libraries.Where(l => l.Path is not null).Select(l => l.Path!);

    /// <summary>Required libraries not found.</summary>
    public IEnumerable<CudaLibrary> MissingRequired => Libraries.Where(l => l.Path is null && l.Library.Required).Select(l => l.Library);

    public string? PathOf(string fileName) => Libraries.FirstOrDefault(l => l.Library.FileName == fileName).Path;
}
