using System.Text.Json;
using System.Text.Json.Nodes;
using VideoStyler.Models;
using VideoStyler.Stylize;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler models list|inspect`: find styles by their tags and see how a model is fed.</summary>
public static class ModelsCommand
{
    public const string Help = """
        usage: videostyler models list [--tag KEY=VALUE|VALUE] [--json] [--models-dir DIR]
               videostyler models inspect FILE.onnx|NAME
               videostyler models generate-defaults [DIR]

        list      the styles in models/, the user model folder and the embedded default, with tags
        inspect   what a model's graph, metadata and manifest say (layout, channel order, range,
                  fixed or free size) and what will be used
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
        var styles = library.ListManifests().Where(s => tag is null || MatchesTag(s.Manifest, tag)).ToList();
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
}
