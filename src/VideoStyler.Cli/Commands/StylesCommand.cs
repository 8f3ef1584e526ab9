using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VideoStyler.Models;
using VideoStyler.Styles;
using VideoStyler.Stylize.Arbitrary;

namespace VideoStyler.Cli.Commands;

/// <summary>
/// `videostyler styles list|show|add|remove|generate`: every style, whether it is a painting's style
/// vector or a whole ONNX network, found, described, added and removed the same way.
/// </summary>
internal static class StylesCommand
{
    public const string Help = """
        usage: videostyler styles list [--tag KEY=VALUE|VALUE ...] [--like NAME|IMAGE] [--json]
               videostyler styles show NAME [--json]
               videostyler styles add NAME --from IMAGE|MODEL.onnx [--tag KEY=VALUE ...] [--title T]
                                  [--artist A] [--year Y] [--license L] [--provenance P] [--force]
               videostyler styles remove NAME
               videostyler styles generate [NAME ...]
        common options: --styles-dir DIR (instead of the user style folder), --models-dir DIR

        list      every style: the built-in paintings (styles/), your own (the user style folder,
                  $XDG_DATA_HOME/videostyler/styles) and the ONNX network styles (models/, the user
                  model folder, the embedded toon). --tag keeps styles having every tag given
                  (palette=cool matches "cool,muted,dark"); --like ranks them by the cosine
                  similarity of their style vectors to a style's or a picture's
        show      a style's manifest: metadata, tags, palette (hex and share), measures, vector
        add       a picture becomes a style: copied (at most 1024 px), thumbnail, palette and tags
                  computed from it (palette warm/cool/neutral, vivid/muted, light/dark; texture
                  fine/medium/bold; contrast), its style vector, and technique/era tags suggested
                  from the nearest tagged styles. An .onnx file is added as a network style
                  (as `models add`). Tags you give win over computed ones
        remove    remove a style you added (built-in styles are never removed)
        generate  recompute the thumbnails, computed tags, palettes and vectors of the styles in
                  --styles-dir (default: the project's styles/) from their pictures
        """;

    private static readonly string[] Common = ["--styles-dir", "--models-dir"];

    private static readonly string[] ForceFlag = ["--force"];

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
            "show" => Show(rest),
            "add" => Add(rest),
            "remove" => Remove(rest),
            "generate" => Generate(rest),
            _ => throw new UsageException($"styles: unknown subcommand '{args[0]}' (list, show, add, remove, generate)"),
        };
    }

    private static StyleCatalog Catalog(CommandLine line) => StyleCatalog.CreateDefault(line.Get("--styles-dir"), line.Get("--models-dir"));

    private static int List(string[] args)
    {
        var line = CommandLine.Parse("styles list", args, [.. Common, "--tag", "--like"], ["--json"]);
        if (line.HelpRequested || line.Positionals.Count > 0)
        {
            Console.Out.WriteLine(Help);
            return line.HelpRequested ? 0 : 2;
        }

        var catalog = Catalog(line);
        var tags = line.GetAll("--tag").ToList();
        var styles = catalog.All().Where(s => TagFilter.MatchesAll(s.Tags, tags)).ToList();
        var like = line.Get("--like");
        Dictionary<string, double>? similarity = null;
        var unranked = new List<StyleEntry>();
        if (like is not null)
        {
            var reference = ReferenceVector(catalog, like);
            similarity = [];
            foreach (var style in styles)
            {
                if (style.Vector is { } v)
                {
                    similarity[style.Name] = StyleVectors.Cosine(reference, v);
                }
                else
                {
                    unranked.Add(style);
                }
            }

            styles = [.. styles.Where(s => similarity.ContainsKey(s.Name)).OrderByDescending(s => similarity[s.Name]).ThenBy(s => s.Name, StringComparer.Ordinal), .. unranked];
        }

        if (line.Has("--json"))
        {
            var array = new JsonArray();
            foreach (var style in styles)
            {
                var node = Summary(style);
                if (similarity is not null)
                {
                    node["similarity"] = similarity.TryGetValue(style.Name, out var s) ? Math.Round(s, 4) : null;
                }

                array.Add(node);
            }

            Console.Out.WriteLine(array.ToJsonString(ModelManifest.JsonOptions));
            return 0;
        }

        if (styles.Count == 0)
        {
            Console.Out.WriteLine(tags.Count == 0 ? "no styles found" : $"no style has the tag{(tags.Count > 1 ? "s" : "")} {string.Join(" ", tags)}");
            return tags.Count == 0 ? 0 : 1;
        }

        foreach (var style in styles)
        {
            var score = similarity is null ? "" : similarity.TryGetValue(style.Name, out var s) ? $"{s,6:0.000}  " : "     -  ";
            var kind = style.Kind == StyleKind.Picture ? (style.Vector is null ? "picture*" : "picture") : "network";
            var tagText = string.Join(" ", style.Tags.Select(t => $"{t.Key}={t.Value}"));
            var from = style.BuiltIn ? "built-in" : style.Origin;
            Console.Out.WriteLine($"{score}{style.Name,-20} {kind,-8}  {Describe(style)}  [{tagText}]  ({from})");
        }

        if (styles.Any(s => s.Kind == StyleKind.Picture && s.Vector is null))
        {
            Console.Out.WriteLine($"picture*: no style vector yet ({StyleVectorSource.Missing})");
        }

        if (unranked.Count > 0)
        {
            Console.Out.WriteLine($"not ranked (no style vector: {string.Join(", ", unranked.Select(u => u.Kind == StyleKind.Network ? $"{u.Name} is an ONNX network" : u.Name))})");
        }

        return 0;
    }

    private static float[] ReferenceVector(StyleCatalog catalog, string like)
    {
        if (catalog.Find(like) is { } style)
        {
            return style.Vector ?? throw new UserFacingException(style.Kind == StyleKind.Network
                ? $"--like {like}: '{like}' is an ONNX network style; only picture styles have a style vector to compare"
                : $"--like {like}: style '{like}' has no style vector ({StyleVectorSource.Missing})");
        }

        if (File.Exists(like))
        {
            var predict = StyleVectorSource.Create();
            using var picture = StyleImage.Load(like);
            return predict(picture);
        }

        var close = catalog.Close(like);
        throw new UserFacingException($"--like {like}: no style or picture file of that name" + (close.Count > 0 ? $" (did you mean {string.Join(", ", close)}?)" : ""));
    }

    private static string Describe(StyleEntry style)
    {
        var who = string.Join(", ", new[] { style.Title, style.Artist }.Where(x => !string.IsNullOrEmpty(x)));
        return style.Year is null ? who : $"{who} ({style.Year})";
    }

    private static JsonObject Summary(StyleEntry style)
    {
        var node = new JsonObject
        {
            ["name"] = style.Name,
            ["kind"] = style.Kind == StyleKind.Picture ? "picture" : "network",
            ["built_in"] = style.BuiltIn,
            ["title"] = style.Title,
            ["artist"] = style.Artist,
            ["year"] = style.Year,
            ["license"] = style.License,
            ["tags"] = JsonSerializer.SerializeToNode(style.Tags, ModelManifest.JsonOptions),
            ["palette"] = JsonSerializer.SerializeToNode(style.Palette, ModelManifest.JsonOptions),
            ["has_vector"] = style.Vector is not null,
            ["thumbnail"] = style.ThumbnailPath,
            ["path"] = style.Origin,
        };
        return node;
    }

    private static int Show(string[] args)
    {
        var line = CommandLine.Parse("styles show", args, Common, ["--json"]);
        if (line.HelpRequested || line.Positionals.Count != 1)
        {
            Console.Out.WriteLine(Help);
            return line.HelpRequested ? 0 : 2;
        }

        var catalog = Catalog(line);
        var style = Lookup(catalog, line.Positionals[0]);
        if (line.Has("--json"))
        {
            var node = style.Picture is { } picture
                ? JsonSerializer.SerializeToNode(picture, ModelManifest.JsonOptions)!.AsObject()
                : JsonSerializer.SerializeToNode(style.Network ?? new ModelManifest { Name = style.Name }, ModelManifest.JsonOptions)!.AsObject();
            node["kind"] = style.Kind == StyleKind.Picture ? "picture" : "network";
            node["built_in"] = style.BuiltIn;
            node["path"] = style.Origin;
            Console.Out.WriteLine(node.ToJsonString(ModelManifest.JsonOptions));
            return 0;
        }

        var o = Console.Out;
        o.WriteLine($"style:      {style.Name} ({(style.Kind == StyleKind.Picture ? "a picture's style vector" : "an ONNX network")}{(style.BuiltIn ? ", built in" : "")})");
        o.WriteLine($"what:       {Describe(style)}");
        o.WriteLine($"license:    {style.License ?? "unknown"}");
        if (style.Picture is { } p)
        {
            if (p.Source is not null)
            {
                o.WriteLine($"source:     {p.Source}");
            }

            if (p.Provenance is not null)
            {
                o.WriteLine($"provenance: {p.Provenance}");
            }
        }

        foreach (var (key, value) in style.Tags)
        {
            var computed = style.Picture?.ComputedTags.Contains(key) == true ? "  (computed)" : "";
            o.WriteLine($"tag:        {key}={value}{computed}");
        }

        if (style.Palette.Count > 0)
        {
            o.WriteLine($"palette:    {string.Join("  ", style.Palette.Select(c => $"{c.Hex} {c.Share * 100:0}%"))}");
        }

        if (style.Picture?.Measures is { } m)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"measures:   warmth {m.Warmth:0.00}, chroma {m.Chroma:0.00}, value {m.Value:0.00}, contrast {m.Contrast:0.00}, stroke octave {m.StrokeOctave:0.00}"));
        }

        o.WriteLine(style.Vector is { } v
            ? $"vector:     {v.Length} numbers: {string.Join(" ", v.Take(6).Select(x => x.ToString("0.000", CultureInfo.InvariantCulture)))} ..."
            : style.Kind == StyleKind.Picture ? $"vector:     none ({StyleVectorSource.Missing})" : "vector:     none (a network style carries its style in its weights)");
        if (style.ThumbnailPath is not null)
        {
            o.WriteLine($"thumbnail:  {style.ThumbnailPath}");
            o.WriteLine($"picture:    {style.ImagePath}");
        }
        else
        {
            o.WriteLine($"model:      {style.Origin}");
        }

        return 0;
    }

    private static StyleEntry Lookup(StyleCatalog catalog, string name)
    {
        if (catalog.Find(name) is { } style)
        {
            return style;
        }

        var close = catalog.Close(name);
        throw new UserFacingException($"unknown style '{name}'" + (close.Count > 0 ? $": did you mean {string.Join(", ", close)}?" : " (videostyler styles list shows them)"));
    }

    private static int Add(string[] args)
    {
        var line = CommandLine.Parse("styles add", args, [.. Common, "--from", "--tag", "--title", "--artist", "--year", "--license", "--provenance", "--description"], ["--force"]);
        if (line.HelpRequested || line.Positionals.Count != 1)
        {
            Console.Out.WriteLine(Help);
            return line.HelpRequested ? 0 : 2;
        }

        var name = line.Positionals[0];
        var from = line.Get("--from") ?? throw new UsageException("styles add: --from IMAGE|MODEL.onnx is required");
        if (name.Length == 0 || name.StartsWith('.') || name.IndexOfAny([.. Path.GetInvalidFileNameChars(), ',', ':', ' ', '\\']) >= 0)
        {
            throw new UsageException($"styles add: the name '{name}' must be a plain file name without spaces, ',' or ':'");
        }

        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in line.GetAll("--tag"))
        {
            var pair = TagFilter.ParsePair(tag) ?? throw new UsageException($"styles add: --tag must be KEY=VALUE, not '{tag}'");
            given[pair.Key] = pair.Value;
        }

        var catalog = Catalog(line);
        if (catalog.Find(name) is { } existing && (existing.BuiltIn || !line.Has("--force")))
        {
            throw new UserFacingException(existing.BuiltIn
                ? $"'{name}' is a built-in style; choose another name"
                : $"a style named '{name}' already exists ({existing.Origin}); use --force to replace it");
        }

        if (from.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            if (line.Has("--year") || line.Has("--provenance"))
            {
                throw new UsageException("styles add: --year and --provenance are for picture styles, not .onnx networks");
            }

            string[] forward = [from, "--name", name, .. given.SelectMany(t => new[] { "--tag", $"{t.Key}={t.Value}" })];
            foreach (var option in new[] { "--title", "--artist", "--license", "--models-dir", "--description" })
            {
                if (line.Get(option) is { } value)
                {
                    forward = [.. forward, option, value];
                }
            }

            return ModelsCommand.Run(["add", .. forward, .. line.Has("--force") ? ForceFlag : []]);
        }

        if (line.Has("--description"))
        {
            throw new UsageException("styles add: --description is for .onnx networks; a picture style has --title, --artist, --year");
        }

        var folder = line.Get("--styles-dir") ?? StyleCatalog.UserStylesFolder();
        var predict = StyleVectorSource.Create();
        var manifest = StyleMaker.Create(
            new StyleManifest
            {
                Name = name,
                Title = line.Get("--title") ?? name,
                Artist = line.Get("--artist"),
                Year = line.Get("--year"),
                License = line.Get("--license"),
                Source = Path.GetFileName(from),
                Provenance = line.Get("--provenance"),
                Tags = given,
            },
            from,
            folder,
            predict,
            line.Has("--force"));
        Console.Out.WriteLine($"added style '{name}' -> {Path.Combine(folder, name)}");
        Console.Out.WriteLine($"  tags:    {string.Join(" ", manifest.Tags.Select(t => $"{t.Key}={t.Value}"))}");
        Console.Out.WriteLine($"  palette: {string.Join("  ", manifest.Palette.Select(c => $"{c.Hex} {c.Share * 100:0}%"))}");
        if (manifest.Vector is { } vector)
        {
            var suggestions = TagSuggester.Suggest(vector, catalog.All(), given, exclude: name);
            foreach (var s in suggestions)
            {
                Console.Out.WriteLine($"  suggested tag: {s.Key}={s.Value} (like {string.Join(", ", s.From)}); add it with --tag {s.Key}={s.Value} --force");
            }
        }
        else
        {
            Console.Out.WriteLine($"  vector:  none ({StyleVectorSource.Missing}); no tag suggestions");
        }

        return 0;
    }

    private static int Remove(string[] args)
    {
        var line = CommandLine.Parse("styles remove", args, Common, []);
        if (line.HelpRequested || line.Positionals.Count != 1)
        {
            Console.Out.WriteLine(Help);
            return line.HelpRequested ? 0 : 2;
        }

        var catalog = Catalog(line);
        var name = line.Positionals[0];
        var style = Lookup(catalog, name);
        if (style.BuiltIn)
        {
            throw new UserFacingException($"'{name}' is a built-in style and cannot be removed (only styles you added can)");
        }

        if (style.Kind == StyleKind.Picture)
        {
            var folder = Path.GetFullPath(style.Origin);
            if (!string.Equals(Path.GetDirectoryName(folder), catalog.UserFolder.TrimEnd('/'), StringComparison.Ordinal))
            {
                throw new UserFacingException($"style '{name}' is not in the user style folder {catalog.UserFolder}; not removed");
            }

            foreach (var file in new[] { StyleManifest.FileName, style.Picture!.Image, style.Picture.Thumbnail })
            {
                File.Delete(Path.Combine(folder, Path.GetFileName(file)));
            }

            if (Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Console.Error.WriteLine($"notice: {folder} holds other files; it was left in place");
            }
            else
            {
                Directory.Delete(folder);
            }
        }
        else
        {
            File.Delete(style.Origin);
            File.Delete(Path.ChangeExtension(style.Origin, ".json"));
        }

        Console.Out.WriteLine($"removed style '{name}' ({style.Origin})");
        return 0;
    }

    private static int Generate(string[] args)
    {
        var line = CommandLine.Parse("styles generate", args, Common, []);
        if (line.HelpRequested)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }

        var folder = line.Get("--styles-dir") ?? StyleCatalog.FindShippedStylesFolder()
            ?? throw new UserFacingException("no styles/ folder found; give one with --styles-dir DIR");
        var names = line.Positionals.Count > 0
            ? line.Positionals
            : [.. Directory.EnumerateDirectories(folder).Where(d => File.Exists(Path.Combine(d, StyleManifest.FileName))).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal)];
        var predict = StyleVectorSource.Create();
        foreach (var name in names)
        {
            var styleFolder = Path.Combine(folder, name);
            if (!File.Exists(Path.Combine(styleFolder, StyleManifest.FileName)))
            {
                throw new UserFacingException($"no style '{name}' in {folder}");
            }

            var manifest = StyleMaker.Refresh(styleFolder, predict);
            Console.Out.WriteLine($"{name,-20} {string.Join(" ", manifest.Tags.Select(t => $"{t.Key}={t.Value}"))}{(manifest.Vector is null ? "  (no vector)" : "")}");
        }

        return 0;
    }
}
