using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using VideoStyler.Cli.Parsing;
using VideoStyler.Models;
using VideoStyler.Stylize;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler models list|inspect|add|pull|import|generate-defaults`: find styles by their tags and see how a model is fed.</summary>
internal static class ModelsCommand
{
    /// <summary>The models verb group: list, inspect, add, pull, import, generate-defaults.</summary>
    internal static Command Create() => new("models", "ONNX network styles: list them with their tags, inspect a model's conventions, add, pull, import, rebuild the default")
    {
        ListCommand(),
        InspectCommand(),
        AddCommand(),
        PullCommand(),
        ModelsImportCommand.Create(),
        GenerateDefaultsCommand.Create(),
    };

    private static Command ListCommand()
    {
        var tag = CliOptions.Text("--tag", "KEY=VALUE|VALUE", "keep the styles having this tag (a KEY=VALUE pair, or a VALUE under any key)");
        var json = CliOptions.Flag("--json", "print a JSON array (each manifest with its path)");
        var modelsDir = CliOptions.ModelsDir();
        var command = new Command("list", "the styles in models/, the user model folder and the embedded default, with tags") { tag, json, modelsDir };
        command.SetAction(parse => List(parse.GetValue(tag), parse.GetValue(json), parse.GetValue(modelsDir)));
        return command;
    }

    private static Command InspectCommand()
    {
        var model = new Argument<string>("MODEL") { Description = "an .onnx file or a style name", HelpName = "FILE.onnx|NAME" };
        var modelsDir = CliOptions.ModelsDir();
        var command = new Command("inspect", """
            what a model's graph, metadata and manifest say (layout, channel order, range, fixed or free size)
            and what will be used
            """) { model, modelsDir };
        command.SetAction(parse => Inspect(parse.GetRequiredValue(model), parse.GetValue(modelsDir)));
        return command;
    }

    private static Command AddCommand()
    {
        var file = new Argument<string>("FILE.onnx") { Description = "the model to add" };
        var options = new AddOptions();
        var command = new Command("add", """
            inspect a model, copy it into the user model folder and write its manifest (your tags, the
            detected conventions), so --style N and --tag find it
            """)
        {
            file, options.Name, options.Tag, options.Title, options.Artist, options.License, options.Description, options.ModelsDir, options.Force,
        };
        command.SetAction(parse => Add(new ModelAddRequest(
            parse.GetRequiredValue(file),
            parse.GetValue(options.Name),
            parse.GetValue(options.Tag) ?? [],
            parse.GetValue(options.Title),
            parse.GetValue(options.Artist),
            parse.GetValue(options.License),
            parse.GetValue(options.Description),
            parse.GetValue(options.ModelsDir),
            parse.GetValue(options.Force))));
        return command;
    }

    /// <summary>The options of models add.</summary>
    private sealed class AddOptions
    {
        public Option<string> Name { get; } = CliOptions.Text("--name", "N", "the style's name (default: the file name without extension)");

        public Option<string[]> Tag { get; } = CliOptions.Repeated("--tag", "KEY=VALUE", "a tag for the style (repeat for several)");

        public Option<string> Title { get; } = CliOptions.Text("--title", "T", "the style's title");

        public Option<string> Artist { get; } = CliOptions.Text("--artist", "A", "the artist");

        public Option<string> License { get; } = CliOptions.Text("--license", "L", "the model's license");

        public Option<string> Description { get; } = CliOptions.Text("--description", "TEXT", "what the style looks like");

        public Option<string> ModelsDir { get; } = CliOptions.ModelsDir();

        public Option<bool> Force { get; } = CliOptions.Flag("--force", "replace a style of that name");
    }

    private static Command PullCommand()
    {
        var name = new Argument<string>("NAME") { Description = "a model of models/catalog.json" };
        var catalog = CliOptions.Text("--catalog", "FILE", "the catalog to read (default: models/catalog.json)");
        var modelsDir = CliOptions.ModelsDir();
        var command = new Command("pull", """
            download a catalogued public model (models/catalog.json) into the user model folder; resumes
            partial downloads and refuses a file whose sha256 differs
            """) { name, catalog, modelsDir };
        command.SetAction(parse => Pull(parse.GetRequiredValue(name), parse.GetValue(catalog), parse.GetValue(modelsDir)));
        return command;
    }

    private static int List(string? tag, bool json, string? modelsDir)
    {
        var library = StyleLibrary.CreateDefault(modelsDir);
        var styles = library.ListManifests(notice => Console.Error.WriteLine($"notice: {notice}")).Where(s => tag is null || MatchesTag(s.Manifest, tag)).ToList();
        if (json)
        {
            var array = new JsonArray();
            foreach (var (manifest, origin) in styles)
            {
                var node = JsonSerializer.SerializeToNode(manifest, VideoStylerJson.Default.ModelManifest)!.AsObject();
                node["path"] = origin;
                array.Add(node);
            }

            Console.Out.WriteLine(array.ToJsonString(VideoStylerJson.Default.Options));
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

    private static int Inspect(string model, string? modelsDir)
    {
        var source = StyleLibrary.CreateDefault(modelsDir).Resolve(model);
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

    /// <summary>models add FILE.onnx (also styles add NAME --from FILE.onnx).</summary>
    internal static int Add(ModelAddRequest request)
    {
        var file = request.File;
        var name = request.Name ?? Path.GetFileNameWithoutExtension(file);
        // Not "." or ".." (which make "...onnx"), nor hidden, nor a path.
        if (name.Length == 0 || name.StartsWith('.') || name.IndexOfAny([.. Path.GetInvalidFileNameChars(), ',', ':', ' ', '/', '\\']) >= 0)
        {
            throw new UsageException($"models add: --name '{name}' must be a plain file name (letters, digits, '-', '_'; not starting with '.'), without spaces, ',' or ':'");
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in request.Tags)
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
        var folder = request.ModelsDir ?? StyleLibrary.UserModelFolder();
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, name + ".onnx");
        if (File.Exists(target) && !request.Force)
        {
            throw new UserFacingException($"a style named '{name}' already exists in {folder} (use --force to replace it)");
        }

        var metadata = style.Session.ModelMetadata.CustomMetadataMap;
        var manifest = new ModelManifest
        {
            Name = name,
            Title = request.Title ?? source.Manifest?.Title ?? name,
            Description = request.Description ?? source.Manifest?.Description ?? style.Session.ModelMetadata.Description,
            Artist = request.Artist ?? source.Manifest?.Artist ?? (metadata.TryGetValue("author", out var author) ? author : null),
            License = request.License ?? source.Manifest?.License ?? (metadata.TryGetValue("license", out var license) ? license : null),
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

    private static int Pull(string name, string? catalog, string? modelsDir)
    {
        var catalogPath = catalog
            ?? (StyleLibrary.FindShippedModelsFolder() is { } shipped ? Path.Combine(shipped, "catalog.json") : null)
            ?? throw new UserFacingException("no models/catalog.json found; give one with --catalog FILE");
        var entry = ModelCatalog.Load(catalogPath).Find(name);
        var folder = modelsDir ?? StyleLibrary.UserModelFolder();
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
