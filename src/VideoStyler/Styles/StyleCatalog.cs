using VideoStyler.Models;

namespace VideoStyler.Styles;

/// <summary>
/// Every style the tool knows, pictures and networks alike: picture styles in the user style folder
/// ($XDG_DATA_HOME/videostyler/styles, or --styles-dir) and the project's styles/ (built in), then the
/// ONNX network styles of a <see cref="StyleLibrary"/> (user model folder, models/, embedded). A name
/// found earlier hides the same name later.
/// </summary>
internal sealed class StyleCatalog
{
    private readonly string _userFolder;
    private readonly string? _shippedFolder;

    public StyleCatalog(string userFolder, string? shippedFolder, StyleLibrary networks)
    {
        _userFolder = Path.GetFullPath(userFolder);
        _shippedFolder = shippedFolder is null ? null : Path.GetFullPath(shippedFolder);
        Networks = networks;
    }

    public string UserFolder => _userFolder;

    public string? ShippedFolder => _shippedFolder;

    public StyleLibrary Networks { get; }

    public static StyleCatalog CreateDefault(string? stylesDir = null, string? modelsDir = null) =>
        new(stylesDir ?? UserStylesFolder(), FindShippedStylesFolder(), StyleLibrary.CreateDefault(modelsDir));

    public static string UserStylesFolder() =>
        Path.Combine(Path.GetDirectoryName(StyleLibrary.UserModelFolder())!, "styles");

    /// <summary>The repository's styles/ folder, found by walking up from the executable.</summary>
    public static string? FindShippedStylesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "styles");
            if (File.Exists(Path.Combine(dir.FullName, "VideoStyler.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public bool IsShippedFolder(string folder) =>
        _shippedFolder is not null && string.Equals(Path.GetFullPath(folder).TrimEnd('/'), _shippedFolder.TrimEnd('/'), StringComparison.Ordinal);

    /// <summary>Every style, sorted by name within each source (user pictures, built-in pictures, networks).</summary>
    public IReadOnlyList<StyleEntry> All()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<StyleEntry>();
        foreach (var (folder, builtIn) in PictureFolders())
        {
            foreach (var entry in PicturesIn(folder, builtIn))
            {
                if (seen.Add(entry.Name))
                {
                    result.Add(entry);
                }
            }
        }

        if (_shippedFolder is null || !Directory.Exists(_shippedFolder))
        {
            foreach (var entry in Embedded())
            {
                if (seen.Add(entry.Name))
                {
                    result.Add(entry);
                }
            }
        }

        var shippedModels = StyleLibrary.FindShippedModelsFolder() is { } m ? Path.GetFullPath(m) : null;
        foreach (var (manifest, origin) in Networks.ListManifests())
        {
            if (seen.Add(manifest.Name))
            {
                var builtIn = origin == "embedded" || (shippedModels is not null && Path.GetDirectoryName(Path.GetFullPath(origin)) == shippedModels);
                result.Add(StyleEntry.FromNetwork(manifest, origin, builtIn));
            }
        }

        return result;
    }

    /// <summary>The built-in picture styles' manifests embedded in this assembly (used when the project's styles/ folder is not found).</summary>
    public static IEnumerable<StyleEntry> Embedded()
    {
        const string prefix = "VideoStyler.styles.";
        var assembly = typeof(StyleCatalog).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var manifest = StyleManifest.Parse(reader.ReadToEnd(), $"embedded {resource[prefix.Length..]}");
            yield return StyleEntry.FromPicture(manifest, "embedded", builtIn: true) with { ThumbnailPath = null, ImagePath = null };
        }
    }

    public StyleEntry? Find(string name) => All().FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));

    /// <summary>The picture style called <paramref name="name"/>, or null (networks are not looked at).</summary>
    public StyleEntry? FindPicture(string name)
    {
        foreach (var (folder, builtIn) in PictureFolders())
        {
            var manifest = Path.Combine(folder, name, StyleManifest.FileName);
            if (File.Exists(manifest))
            {
                return StyleEntry.FromPicture(StyleManifest.Load(manifest), Path.Combine(folder, name), builtIn);
            }
        }

        return _shippedFolder is null || !Directory.Exists(_shippedFolder)
            ? Embedded().FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.Ordinal))
            : null;
    }

    /// <summary>Names close to <paramref name="name"/> (for "did you mean"), at most three.</summary>
    public IReadOnlyList<string> Close(string name) =>
        [.. All().Select(s => s.Name)
            .Select(n => (Name: n, Distance: StyleLibrary.EditDistance(n, name)))
            .Where(x => x.Distance <= Math.Max(2, name.Length / 3) || x.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(x => x.Distance)
            .Select(x => x.Name)
            .Take(3)];

    private IEnumerable<(string Folder, bool BuiltIn)> PictureFolders()
    {
        if (Directory.Exists(_userFolder) && !IsShippedFolder(_userFolder))
        {
            yield return (_userFolder, false);
        }

        if (_shippedFolder is not null && Directory.Exists(_shippedFolder))
        {
            yield return (_shippedFolder, true);
        }
    }

    private static IEnumerable<StyleEntry> PicturesIn(string folder, bool builtIn)
    {
        foreach (var dir in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var manifest = Path.Combine(dir, StyleManifest.FileName);
            if (File.Exists(manifest))
            {
                yield return StyleEntry.FromPicture(StyleManifest.Load(manifest), dir, builtIn);
            }
        }
    }
}
