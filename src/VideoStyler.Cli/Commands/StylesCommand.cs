using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VideoStyler.Cli.Reports;
using VideoStyler.Cli.Parsing;
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
    /// <summary>The styles verb group: list, show, add, remove, generate.</summary>
    internal static Command Create() => new("styles", """
        every style (paintings and ONNX networks): find by tag or likeness, describe, add a picture as a
        style, remove. Each subcommand also takes --styles-dir DIR (instead of the user style folder) and
        --models-dir DIR
        """)
    {
        ListCommand(),
        ShowCommand(),
        AddCommand(),
        RemoveCommand(),
        GenerateCommand(),
    };

    /// <summary>--styles-dir and --models-dir, which every styles subcommand takes.</summary>
    private sealed class Folders
    {
        public Option<string> StylesDir { get; } = CliOptions.Text("--styles-dir", "DIR", "the style folder to use instead of the user style folder ($XDG_DATA_HOME/videostyler/styles)");

        public Option<string> ModelsDir { get; } = CliOptions.ModelsDir();

        public StyleCatalog Catalog(ParseResult parse) => StyleCatalog.CreateDefault(parse.GetValue(StylesDir), parse.GetValue(ModelsDir));
    }

    private static Command ListCommand()
    {
        var folders = new Folders();
        var tag = CliOptions.Repeated("--tag", "KEY=VALUE|VALUE", "keep styles having every tag given (palette=cool matches \"cool,muted,dark\"); repeat for several");
        var like = CliOptions.Text("--like", "NAME|IMAGE", "rank the styles by the cosine similarity of their style vectors to a style's or a picture's");
        var json = CliOptions.Flag("--json", "print a JSON array");
        var command = new Command("list", """
            every style: the built-in paintings (styles/), your own (the user style folder,
            $XDG_DATA_HOME/videostyler/styles) and the ONNX network styles (models/, the user model folder,
            the embedded toon)
            """)
        {
            tag, like, json, folders.StylesDir, folders.ModelsDir,
        };
        command.SetAction(parse => List(folders.Catalog(parse), parse.GetValue(tag) ?? [], parse.GetValue(like), parse.GetValue(json)));
        return command;
    }

    private static int List(StyleCatalog catalog, IReadOnlyList<string> tagList, string? like, bool json)
    {
        var tags = tagList.ToList();
        var styles = catalog.All().Where(s => TagFilter.MatchesAll(s.Tags, tags)).ToList();
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

        if (json)
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

            Console.Out.WriteLine(array.ToJsonString(CliJson.Default.Options));
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

    private static JsonObject Summary(StyleEntry style) =>
        JsonSerializer.SerializeToNode(StyleSummary.From(style), CliJson.Default.StyleSummary)!.AsObject();

    private static Command ShowCommand()
    {
        var folders = new Folders();
        var name = new Argument<string>("NAME") { Description = "the style" };
        var json = CliOptions.Flag("--json", "print the manifest as JSON");
        var command = new Command("show", "a style's manifest: metadata, tags, palette (hex and share), measures, vector")
        {
            name, json, folders.StylesDir, folders.ModelsDir,
        };
        command.SetAction(parse => Show(folders.Catalog(parse), parse.GetRequiredValue(name), parse.GetValue(json)));
        return command;
    }

    private static int Show(StyleCatalog catalog, string name, bool json)
    {
        var style = Lookup(catalog, name);
        if (json)
        {
            var node = style.Picture is { } picture
                ? JsonSerializer.SerializeToNode(picture, VideoStylerJson.Default.StyleManifest)!.AsObject()
                : JsonSerializer.SerializeToNode(style.Network ?? new ModelManifest { Name = style.Name }, VideoStylerJson.Default.ModelManifest)!.AsObject();
            node["kind"] = StyleSummary.KindName(style);
            node["built_in"] = style.BuiltIn;
            node["path"] = style.Origin;
            Console.Out.WriteLine(node.ToJsonString(VideoStylerJson.Default.Options));
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

    private static Command AddCommand()
    {
        var folders = new Folders();
        var o = new AddOptions();
        var command = new Command("add", """
            a picture becomes a style: copied (at most 1024 px), thumbnail, palette and tags computed from it
            (palette warm/cool/neutral, vivid/muted, light/dark; texture fine/medium/bold; contrast), its
            style vector, and technique/era tags suggested from the nearest tagged styles. An .onnx file is
            added as a network style (as `models add`). Tags you give win over computed ones
            """)
        {
            o.Name, o.From, o.Tag, o.Title, o.Artist, o.Year, o.License, o.Provenance, o.Description, o.Force, folders.StylesDir, folders.ModelsDir,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(o.From)?.GetValueOrDefault<string>() is { } from && from.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            {
                if (result.GetResult(o.Year) is not null || result.GetResult(o.Provenance) is not null)
                {
                    result.AddError("--year and --provenance are for picture styles, not .onnx networks");
                }
            }
            else if (result.GetResult(o.Description) is not null)
            {
                result.AddError("--description is for .onnx networks; a picture style has --title, --artist, --year");
            }
        });
        command.SetAction(parse => Add(parse, o, folders));
        return command;
    }

    /// <summary>The options of styles add.</summary>
    private sealed class AddOptions
    {
        public Argument<string> Name { get; } = new("NAME") { Description = "the new style's name" };

        public Option<string> From { get; } = new Option<string>("--from")
        {
            Description = "the picture (or an .onnx network) the style is made from",
            HelpName = "IMAGE|MODEL.onnx",
            Required = true,
        };

        public Option<string[]> Tag { get; } = CliOptions.Repeated("--tag", "KEY=VALUE", "a tag (repeat for several); yours win over computed ones");

        public Option<string> Title { get; } = CliOptions.Text("--title", "T", "the title (default: NAME)");

        public Option<string> Artist { get; } = CliOptions.Text("--artist", "A", "the artist");

        public Option<string> Year { get; } = CliOptions.Text("--year", "Y", "the year (picture styles)");

        public Option<string> License { get; } = CliOptions.Text("--license", "L", "the license of the picture or model");

        public Option<string> Provenance { get; } = CliOptions.Text("--provenance", "P", "where the picture comes from (picture styles)");

        public Option<string> Description { get; } = CliOptions.Text("--description", "TEXT", "what the style looks like (.onnx networks)");

        public Option<bool> Force { get; } = CliOptions.Flag("--force", "replace a style you added under that name");
    }

    private static int Add(ParseResult line, AddOptions o, Folders folders)
    {
        var name = line.GetRequiredValue(o.Name);
        var from = line.GetRequiredValue(o.From);
        if (name.Length == 0 || name.StartsWith('.') || name.IndexOfAny([.. Path.GetInvalidFileNameChars(), ',', ':', ' ', '\\']) >= 0)
        {
            throw new UsageException($"styles add: the name '{name}' must be a plain file name without spaces, ',' or ':'");
        }

        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in line.GetValue(o.Tag) ?? [])
        {
            var pair = TagFilter.ParsePair(tag) ?? throw new UsageException($"styles add: --tag must be KEY=VALUE, not '{tag}'");
            given[pair.Key] = pair.Value;
        }

        var catalog = folders.Catalog(line);
        var force = line.GetValue(o.Force);
        if (catalog.Find(name) is { } existing && (existing.BuiltIn || !force))
        {
            throw new UserFacingException(existing.BuiltIn
                ? $"'{name}' is a built-in style; choose another name"
                : $"a style named '{name}' already exists ({existing.Origin}); use --force to replace it");
        }

        if (from.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            return ModelsCommand.Add(new ModelAddRequest(
                from, name, [.. given.Select(t => $"{t.Key}={t.Value}")], line.GetValue(o.Title), line.GetValue(o.Artist), line.GetValue(o.License),
                line.GetValue(o.Description), line.GetValue(folders.ModelsDir), force));
        }

        var folder = line.GetValue(folders.StylesDir) ?? StyleCatalog.UserStylesFolder();
        var predict = StyleVectorSource.Create();
        var manifest = StyleMaker.Create(
            new StyleManifest
            {
                Name = name,
                Title = line.GetValue(o.Title) ?? name,
                Artist = line.GetValue(o.Artist),
                Year = line.GetValue(o.Year),
                License = line.GetValue(o.License),
                Source = Path.GetFileName(from),
                Provenance = line.GetValue(o.Provenance),
                Tags = given,
            },
            from,
            folder,
            predict,
            force);
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

    private static Command RemoveCommand()
    {
        var folders = new Folders();
        var name = new Argument<string>("NAME") { Description = "the style to remove" };
        var command = new Command("remove", "remove a style you added (built-in styles are never removed)") { name, folders.StylesDir, folders.ModelsDir };
        command.SetAction(parse => Remove(folders.Catalog(parse), parse.GetRequiredValue(name)));
        return command;
    }

    private static int Remove(StyleCatalog catalog, string name)
    {
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

    private static Command GenerateCommand()
    {
        var folders = new Folders();
        var names = new Argument<string[]>("NAME") { Description = "the styles to recompute (default: all)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("generate", """
            recompute the thumbnails, computed tags, palettes and vectors of the styles in --styles-dir
            (default: the project's styles/) from their pictures
            """)
        {
            names, folders.StylesDir, folders.ModelsDir,
        };
        command.SetAction(parse => Generate(parse.GetValue(folders.StylesDir), parse.GetValue(names) ?? []));
        return command;
    }

    private static int Generate(string? stylesDir, string[] given)
    {
        var folder = stylesDir ?? StyleCatalog.FindShippedStylesFolder()
            ?? throw new UserFacingException("no styles/ folder found; give one with --styles-dir DIR");
        var names = given.Length > 0
            ? given
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
