using System.Text.Json;
using System.Text.Json.Nodes;
using VideoStyler.Models;
using VideoStyler.Stylize;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler models list|inspect`: find styles by their tags and see how a model is fed.</summary>
internal static class ModelsCommand
{
    public const string Help = """
        usage: videostyler models list [--tag KEY=VALUE|VALUE] [--json] [--models-dir DIR]
               videostyler models inspect FILE.onnx|NAME
               videostyler models add FILE.onnx --name N [--tag KEY=VALUE ...] [--title T] [--artist A] [--license L]
               videostyler models pull NAME [--catalog FILE] [--models-dir DIR]
               videostyler models import FILE.tflite [--name N] [--force] [--models-dir DIR]
               videostyler models generate-defaults [DIR]

        list      the styles in models/, the user model folder and the embedded default, with tags
        inspect   what a model's graph, metadata and manifest say (layout, channel order, range,
                  fixed or free size) and what will be used
        add       inspect a model, copy it into the user model folder and write its manifest
                  (your tags, the detected conventions), so --style N and --tag find it
        pull      download a catalogued public model (models/catalog.json) into the user model
                  folder; resumes partial downloads and refuses a file whose sha256 differs
        import    convert a TensorFlow Lite model to ONNX (our own importer) and write it with its
                  manifest into the user model folder (see `models import --help`)
        generate-defaults  rebuild the project's own default style (models/toon.onnx)
        """;

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Out.WriteLine(Help);
            return args.Length == 0 ? 2 : 0;
        }

        var rest = args.Skip(1).ToArray();
        return args[0] switch
        {
            "list" => List(rest),
            "inspect" => Inspect(rest),
            "generate-defaults" => GenerateDefaultsCommand.Run(rest),
            "add" => Add(rest),
            "pull" => Pull(rest),
            "import" => ModelsImportCommand.Run(rest),
            _ => throw new UsageException($"models: unknown subcommand '{args[0]}' (list, inspect)"),
        };
    }

    private static int List(string[] args)
    {
        var line = CommandLine.Parse("models list", args, ["--tag", "--models-dir"], ["--json"]);
        if (line.HelpRequested)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }

        var library = StyleLibrary.CreateDefault(line.Get("--models-dir"));
        var tag = line.Get("--tag");
        var styles = library.ListManifests(notice => Console.Error.WriteLine($"notice: {notice}")).Where(s => tag is null || MatchesTag(s.Manifest, tag)).ToList();
        if (line.Has("--json"))
        {
            var array = new JsonArray();
            foreach (var (manifest, origin) in styles)
            {
                var node = JsonSerializer.SerializeToNode(manifest, ModelManifest.JsonOptions)!.AsObject();
                node["path"] = origin;
                array.Add(node);
            }

            Console.Out.WriteLine(array.ToJsonString(ModelManifest.JsonOptions));
            return 0;
        }

        if (styles.Count == 0)
        {
            Console.Out.WriteLine(tag is null ? "no styles found" : $"no style has the tag {tag}");
            return tag is null ? 0 : 1;
        }

        foreach (var (manifest, origin) in styles)
        {
            var tags = string.Join(", ", manifest.Tags.Select(t => $"{t.Key}={t.Value}"));
            Console.Out.WriteLine($"{manifest.Name,-14} {manifest.Title ?? ""}  [{tags}]  license: {manifest.License ?? "unknown"}  ({origin})");
        }

        return 0;
    }

    private static bool MatchesTag(ModelManifest manifest, string tag)
    {
        var eq = tag.IndexOf('=', StringComparison.Ordinal);
        return eq > 0
            ? manifest.Tags.TryGetValue(tag[..eq], out var value) && string.Equals(value, tag[(eq + 1)..], StringComparison.OrdinalIgnoreCase)
            : manifest.Tags.Values.Any(v => string.Equals(v, tag, StringComparison.OrdinalIgnoreCase));
    }

    private static int Inspect(string[] args)
    {
        var line = CommandLine.Parse("models inspect", args, ["--models-dir"], []);
        if (line.HelpRequested || line.Positionals.Count != 1)
        {
            Console.Out.WriteLine(Help);
            return line.HelpRequested ? 0 : 2;
        }

        var source = StyleLibrary.CreateDefault(line.Get("--models-dir")).Resolve(line.Positionals[0]);
        using var style = StyleSession.Load(source, ExecutionDevice.Cpu);
        var c = style.Convention;
        var metadata = style.Session.ModelMetadata;
        Console.Out.WriteLine($"style:       {source.Name} ({source.Origin})");
        Console.Out.WriteLine($"producer:    {metadata.ProducerName}; {metadata.Description}");
        foreach (var (key, value) in metadata.CustomMetadataMap)
        {
            Console.Out.WriteLine($"metadata:    {key}={value}");
        }

        foreach (var (name, node) in style.Session.InputMetadata)
        {
            Console.Out.WriteLine($"input:       {name} {node.ElementType.Name} [{string.Join(",", node.Dimensions)}]");
        }

        foreach (var (name, node) in style.Session.OutputMetadata)
        {
            Console.Out.WriteLine($"output:      {name} {node.ElementType.Name} [{string.Join(",", node.Dimensions)}]");
        }

        Console.Out.WriteLine($"manifest:    {(source.Manifest is null ? "none" : "yes (its fields override)")}");
        Console.Out.WriteLine($"will use:    {c.InputName} -> {c.OutputName}, {c.Layout.ToString().ToUpperInvariant()}, {c.ChannelOrder.ToString().ToUpperInvariant()}, in {c.Range.ToText()}, out {c.OutputRange.ToText()}, " +
            (c.HasFixedSize ? $"fixed {c.FixedWidth}x{c.FixedHeight} (frames are letterboxed with reflection, then cropped back)" : $"any size (padded to a multiple of {c.SizeMultiple})"));
        foreach (var note in c.Notes)
        {
            Console.Out.WriteLine($"  because:   {note}");
        }

        return 0;
    }

    private static int Add(string[] args)
    {
        var line = CommandLine.Parse("models add", args, ["--name", "--tag", "--title", "--artist", "--license", "--models-dir", "--description"], ["--force"]);
        if (line.HelpRequested || line.Positionals.Count != 1)
        {
            Console.Out.WriteLine(Help);
            return line.HelpRequested ? 0 : 2;
        }

        var file = line.Positionals[0];
        var name = line.Get("--name") ?? Path.GetFileNameWithoutExtension(file);
        // Not "." or ".." (which make "...onnx"), nor hidden, nor a path.
        if (name.Length == 0 || name.StartsWith('.') || name.IndexOfAny([.. Path.GetInvalidFileNameChars(), ',', ':', ' ', '/', '\\']) >= 0)
        {
            throw new UsageException($"models add: --name '{name}' must be a plain file name (letters, digits, '-', '_'; not starting with '.'), without spaces, ',' or ':'");
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in line.GetAll("--tag"))
        {
            var eq = tag.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == tag.Length - 1)
            {
                throw new UsageException($"models add: --tag must be KEY=VALUE, not '{tag}'");
            }

            tags[tag[..eq].Trim()] = tag[(eq + 1)..].Trim();
        }

        // Load it for real: a file ONNX Runtime cannot run as an image model is refused here.
        var source = StyleLibrary.FromPath(file, name);
        using var style = StyleSession.Load(source, ExecutionDevice.Cpu);
        var c = style.Convention;
        var folder = line.Get("--models-dir") ?? StyleLibrary.UserModelFolder();
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, name + ".onnx");
        if (File.Exists(target) && !line.Has("--force"))
        {
            throw new UserFacingException($"a style named '{name}' already exists in {folder} (use --force to replace it)");
        }

        var metadata = style.Session.ModelMetadata.CustomMetadataMap;
        var manifest = new ModelManifest
        {
            Name = name,
            Title = line.Get("--title") ?? source.Manifest?.Title ?? name,
            Description = line.Get("--description") ?? source.Manifest?.Description ?? style.Session.ModelMetadata.Description,
            Artist = line.Get("--artist") ?? source.Manifest?.Artist ?? (metadata.TryGetValue("author", out var author) ? author : null),
            License = line.Get("--license") ?? source.Manifest?.License ?? (metadata.TryGetValue("license", out var license) ? license : null),
            Tags = tags.Count > 0 ? tags : source.Manifest?.Tags ?? [],
            Input = new TensorConventionManifest { Name = c.InputName, Layout = c.Layout.ToString().ToUpperInvariant(), ChannelOrder = c.ChannelOrder.ToString().ToUpperInvariant(), Range = c.Range.ToText() },
            Output = new TensorConventionManifest { Name = c.OutputName, Layout = c.Layout.ToString().ToUpperInvariant(), ChannelOrder = c.ChannelOrder.ToString().ToUpperInvariant(), Range = c.OutputRange.ToText() },
            NativeSize = c.FixedHeight,
            SizeMultiple = c.SizeMultiple,
        };
        if (!string.Equals(Path.GetFullPath(file), Path.GetFullPath(target), StringComparison.Ordinal))
        {
            File.Copy(file, target, overwrite: true);
        }

        File.WriteAllText(Path.ChangeExtension(target, ".json"), manifest.ToJson() + "\n");
        Console.Out.WriteLine($"added style '{name}' -> {target} ({c.Layout.ToString().ToUpperInvariant()}, {c.ChannelOrder.ToString().ToUpperInvariant()}, {c.Range.ToText()}; tags: {string.Join(", ", manifest.Tags.Select(t => $"{t.Key}={t.Value}"))})");
        return 0;
    }

    private static int Pull(string[] args)
    {
        var line = CommandLine.Parse("models pull", args, ["--catalog", "--models-dir"], []);
        if (line.HelpRequested || line.Positionals.Count != 1)
        {
            Console.Out.WriteLine(Help);
            return line.HelpRequested ? 0 : 2;
        }

        var catalogPath = line.Get("--catalog")
            ?? (StyleLibrary.FindShippedModelsFolder() is { } shipped ? Path.Combine(shipped, "catalog.json") : null)
            ?? throw new UserFacingException("no models/catalog.json found; give one with --catalog FILE");
        var entry = ModelCatalog.Load(catalogPath).Find(line.Positionals[0]);
        var folder = line.Get("--models-dir") ?? StyleLibrary.UserModelFolder();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
        var downloader = new ModelDownloader(http);
        var lastPrint = 0L;
        var path = downloader.PullAsync(entry, folder, (done, total) =>
        {
            if (done - lastPrint >= 1 << 20 || done == total)
            {
                lastPrint = done;
                Console.Error.Write($"\r  {done / 1048576.0:0.0} MB" + (total is { } t ? $" of {t / 1048576.0:0.0} MB" : ""));
            }
        }, CancellationToken.None).GetAwaiter().GetResult();
        Console.Error.WriteLine();
        var resumed = downloader.ResumedFrom > 0 ? $" (resumed after {downloader.ResumedFrom} bytes)" : "";
        Console.Out.WriteLine($"pulled '{entry.Name}' -> {path}, sha256 verified{resumed}; license: {entry.License ?? "unknown"}");
        return 0;
    }
}
