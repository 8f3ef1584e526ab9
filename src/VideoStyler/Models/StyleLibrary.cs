using System.Reflection;

namespace VideoStyler.Models;

/// <summary>
/// Finds styles by name or path: the project's models/ folder, the user model folder
/// ($XDG_DATA_HOME/videostyler/models, or --models-dir), and the default style embedded in this
/// assembly (so the tool works from anywhere, even without the models/ folder).
/// </summary>
public sealed class StyleLibrary
{
    /// <summary>The style used when none is named (embedded in the assembly).</summary>
    public const string DefaultStyleName = "toon";

    private readonly IReadOnlyList<string> _folders;

    /// <summary>A library that looks in <paramref name="folders"/> (those that exist), in that order.</summary>
    /// <param name="folders">The folders to search for styles.</param>
    public StyleLibrary(IEnumerable<string> folders)
    {
        _folders = [.. folders.Where(Directory.Exists).Select(Path.GetFullPath).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The existing search folders, full paths, in search order.</summary>
    public IReadOnlyList<string> Folders => _folders;

    /// <summary>The standard search folders: the user's folder (or <paramref name="modelsDir"/>) and the shipped models/.</summary>
    public static StyleLibrary CreateDefault(string? modelsDir = null)
    {
        var folders = new List<string> { modelsDir ?? UserModelFolder() };
        if (FindShippedModelsFolder() is { } shipped)
        {
            folders.Add(shipped);
        }

        return new StyleLibrary(folders);
    }

    /// <summary>The user model folder: $XDG_DATA_HOME/videostyler/models (~/.local/share/videostyler/models by default).</summary>
    /// <returns>The folder's path (it may not exist).</returns>
    public static string UserModelFolder()
    {
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome))
        {
            dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(dataHome, "videostyler", "models");
    }

    /// <summary>The repository's models/ folder, found by walking up from the executable.</summary>
    public static string? FindShippedModelsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models");
            if (File.Exists(Path.Combine(dir.FullName, "VideoStyler.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Resolves --style: null = the embedded default, a path to an .onnx file, or a style name.</summary>
    internal StyleSource Resolve(string? style)
    {
        if (string.IsNullOrWhiteSpace(style))
        {
            return Embedded(DefaultStyleName) ?? throw new UserFacingException("the embedded default style is missing from this build");
        }

        if (style.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || style.Contains('/') || style.Contains('\\'))
        {
            return FromPath(style);
        }

        foreach (var folder in _folders)
        {
            var model = Path.Combine(folder, style + ".onnx");
            if (File.Exists(model))
            {
                return FromPath(model, style);
            }
        }

        if (Embedded(style) is { } embedded)
        {
            return embedded;
        }

        var known = AllNames();
        var close = known
            .Select(n => (Name: n, Distance: EditDistance(n, style)))
            .Where(x => x.Distance <= Math.Max(2, style.Length / 3) || x.Name.Contains(style, StringComparison.OrdinalIgnoreCase))
            .OrderBy(x => x.Distance)
            .Select(x => x.Name)
            .Take(3)
            .ToList();
        var hint = close.Count > 0
            ? $"did you mean {string.Join(", ", close)}?"
            : $"known styles: {string.Join(", ", known)}";
        throw new UserFacingException($"unknown style '{style}': {hint} (or give a path to an .onnx file)");
    }

    /// <summary>Every style name this library can resolve, sorted.</summary>
    public IReadOnlyList<string> AllNames()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal) { DefaultStyleName };
        foreach (var folder in _folders)
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.onnx"))
            {
                names.Add(Path.GetFileNameWithoutExtension(file));
            }
        }

        return [.. names];
    }

    /// <summary>Manifests of every style (a minimal one where a model has none, or where its manifest is broken).</summary>
    /// <param name="onNotice">Told about each manifest that could not be read (the style is listed without it).</param>
    internal IReadOnlyList<(ModelManifest Manifest, string Origin)> ListManifests(Action<string>? onNotice = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<(ModelManifest, string)>();
        foreach (var folder in _folders)
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.onnx").Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (seen.Add(name))
                {
                    ModelManifest? loaded = null;
                    try
                    {
                        loaded = LoadManifestBeside(file);
                    }
                    catch (UserFacingException ex)
                    {
                        // One broken manifest must not hide every other style.
                        onNotice?.Invoke($"{ex.Message}; {name} is listed without it");
                    }

                    result.Add((loaded ?? new ModelManifest { Name = name }, file));
                }
            }
        }

        if (seen.Add(DefaultStyleName) && Embedded(DefaultStyleName) is { Manifest: { } manifest })
        {
            result.Add((manifest, "embedded"));
        }

        return result;
    }

    internal static StyleSource FromPath(string path, string? name = null)
    {
        if (Directory.Exists(path))
        {
            throw new UserFacingException($"style model {path} is a folder, not an .onnx file");
        }

        if (!File.Exists(path))
        {
            throw new UserFacingException($"style model not found: {path}");
        }

        var manifest = LoadManifestBeside(path);
        return new StyleSource
        {
            Name = manifest?.Name ?? name ?? Path.GetFileNameWithoutExtension(path),
            Origin = path,
            ModelPath = path,
            Manifest = manifest,
        };
    }

    internal static ModelManifest? LoadManifestBeside(string modelPath)
    {
        var manifestPath = Path.ChangeExtension(modelPath, ".json");
        return File.Exists(manifestPath) ? ModelManifest.Load(manifestPath) : null;
    }

    /// <summary>A style embedded in this assembly as VideoStyler.models.NAME.onnx (+ .json), or null.</summary>
    internal static StyleSource? Embedded(string name)
    {
        var assembly = typeof(StyleLibrary).Assembly;
        var bytes = ReadResource(assembly, $"VideoStyler.models.{name}.onnx");
        if (bytes is null)
        {
            return null;
        }

        var manifestBytes = ReadResource(assembly, $"VideoStyler.models.{name}.json");
        var manifest = manifestBytes is null
            ? null
            : ModelManifest.Parse(System.Text.Encoding.UTF8.GetString(manifestBytes), $"embedded {name}.json");
        return new StyleSource { Name = name, Origin = "embedded", ModelBytes = bytes, Manifest = manifest };
    }

    private static byte[]? ReadResource(Assembly assembly, string resourceName)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName);
        if (stream is null)
        {
            return null;
        }

        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    internal static int EditDistance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
