using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using VideoStyler.Cli;
using VideoStyler.Cli.Parsing;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Cli;

/// <summary>
/// The command line as System.CommandLine declares it: help generated for every command from its
/// declared options, usage errors as one line, --verbose never taken out of another option's value,
/// every README command accepted by the parser, and the generated bash completion.
/// </summary>
public partial class CommandTreeTests
{
    public static TheoryData<string> CommandPaths()
    {
        var data = new TheoryData<string>();
        foreach (var command in CommandTree.Build().AllCommands())
        {
            data.Add(CommandTree.PathOf(command));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void Help_is_generated_for_every_command_and_lists_every_declared_option(string path)
    {
        var tree = CommandTree.Build();
        var command = tree.AllCommands().Single(c => CommandTree.PathOf(c) == path);
        var output = new StringWriter();

        var parse = tree.Root.Parse([.. Words(path), "--help"], Entry.Parser);
        var code = parse.Invoke(new InvocationConfiguration { Output = output, Error = new StringWriter(), EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });

        var help = output.ToString();
        Assert.Equal(0, code);
        Assert.Contains("Usage:", help);
        Assert.Contains(("videostyler " + path).Trim(), help);
        Assert.False(string.IsNullOrWhiteSpace(command.Description), $"'{path}' has no description");
        Assert.Contains(Squash(command.Description!.Split('\n')[0]), Squash(help));
        foreach (var option in BashCompletion.OptionsOf(command))
        {
            Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{path} {option.Name} has no description");
            foreach (var name in option.Aliases.Append(option.Name).Where(n => n.StartsWith('-')))
            {
                Assert.Matches(new Regex($@"(^|[\s,]){Regex.Escape(name)}([\s,<]|$)", RegexOptions.None, TimeSpan.FromSeconds(1)), help);
            }

            Assert.Contains(Squash(option.Description!), Squash(help));
        }

        foreach (var argument in command.Arguments)
        {
            Assert.Contains($"<{argument.HelpName ?? argument.Name}>", help);
        }

        foreach (var sub in command.Subcommands)
        {
            Assert.Contains(sub.Name, help);
        }

        if (HelpDetails.Of(command) is { } details)
        {
            Assert.Contains(details.Split('\n')[0].Trim(), help);
        }
    }

    [Fact]
    public void Every_option_is_declared_once_per_command_with_one_meaning()
    {
        var tree = CommandTree.Build();
        foreach (var command in tree.AllCommands())
        {
            var names = BashCompletion.OptionsOf(command).SelectMany(o => o.Aliases.Append(o.Name)).ToList();
            Assert.Equal(names.Distinct(StringComparer.Ordinal).Count(), names.Count);
        }

        // The verbs the old hand-written top-level usage forgot are in the tree (and so in the generated help).
        var models = tree.Root.Subcommands.Single(c => c.Name == "models");
        Assert.Equal(["list", "inspect", "add", "pull", "import", "generate-defaults"], models.Subcommands.Select(c => c.Name).ToArray());
        var bench = tree.Root.Subcommands.Single(c => c.Name == "bench");
        Assert.Contains(bench.Options, o => o.Name == "--device");
        Assert.Contains(bench.Options, o => o.Name == "--models-dir");
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void An_unknown_option_is_a_one_line_usage_error_for_every_command(string path)
    {
        var tree = CommandTree.Build();

        var after = tree.Root.Parse([.. Valid(path), "--no-such-option"], Entry.Parser);
        var before = tree.Root.Parse([.. Words(path), "--no-such-option", .. Valid(path).Skip(Words(path).Length)], Entry.Parser);

        Assert.Null(Entry.UsageProblem(tree.Root.Parse(Valid(path), Entry.Parser)) is { } problem && !problem.Contains("Required command", StringComparison.Ordinal) ? problem : null);
        foreach (var parse in new[] { after, before })
        {
            var message = Entry.UsageProblem(parse);
            Assert.NotNull(message);
            Assert.DoesNotContain('\n', message);
            Assert.StartsWith(path.Length == 0 ? "unknown option --no-such-option" : $"{path}: unknown option --no-such-option", message);
        }
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e999")]
    public void Non_finite_numbers_are_refused_by_every_number_option(string value)
    {
        var tree = CommandTree.Build();
        var checkedOptions = 0;
        foreach (var command in tree.AllCommands())
        {
            foreach (var option in command.Options.Where(o => o.ValueType == typeof(double)))
            {
                var parse = tree.Root.Parse([.. Valid(CommandTree.PathOf(command)), option.Name, value], Entry.Parser);
                Assert.Contains(parse.Errors, e => e.Message.StartsWith($"{option.Name} must be a number from ", StringComparison.Ordinal) && e.Message.EndsWith($"not '{value}'", StringComparison.Ordinal));
                checkedOptions++;
            }
        }

        Assert.True(checkedOptions >= 10, $"only {checkedOptions} number options");
    }

    [Fact]
    public void A_value_equal_to_verbose_stays_the_options_value()
    {
        var tree = CommandTree.Build();
        var watermark = (Option<string>)tree.Root.Subcommands.Single(c => c.Name == "stylize").Options.Single(o => o.Name == "--watermark");

        var asValue = tree.Root.Parse(["stylize", "in.mp4", "-o", "out.mp4", "--watermark=--verbose"], Entry.Parser);
        var asFlag = tree.Root.Parse(["stylize", "in.mp4", "-o", "out.mp4", "--watermark", "AI", "--verbose"], Entry.Parser);

        Assert.Empty(asValue.Errors);
        Assert.Equal("--verbose", asValue.GetValue(watermark));
        Assert.False(asValue.GetValue(tree.Verbose));
        Assert.Empty(asFlag.Errors);
        Assert.Equal("AI", asFlag.GetValue(watermark));
        Assert.True(asFlag.GetValue(tree.Verbose));
    }

    [Fact]
    public async Task A_style_named_verbose_reaches_the_style_lookup()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        try
        {
            var run = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(dir, "out.mp4"), "--style=--verbose");

            // Not stripped (which left "--style=" and a usage error) and not taken as --verbose: the lookup refuses the name.
            Assert.Equal(1, run.ExitCode);
            CliAssert.OneLineError(run, "unknown style '--verbose'");
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("unknown option --bogus (see videostyler stylize --help)", "stylize", "in.mp4", "-o", "out.mp4", "--bogus")]
    [InlineData("stylize: Required argument missing for option: '--watermark'", "stylize", "in.mp4", "-o", "out.mp4", "--watermark")]
    [InlineData("unknown command 'stylise'", "stylise", "in.mp4")]
    [InlineData("models: unknown subcommand 'lst' (list, inspect, add, pull, import, generate-defaults)", "models", "lst")]
    [InlineData("bench: --size must be a whole number from 16 to 8192, not '8'", "bench", "--size", "8")]
    [InlineData("live: --device must be auto, cpu, cuda or tensorrt, not 'xpu'", "live", "-i", "0", "-o", "preview", "--device", "xpu")]
    public async Task Usage_errors_exit_2_with_one_line(string expected, params string[] args)
    {
        var run = await Support.Cli.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        CliAssert.OneLineError(run, expected);
        Assert.Empty(run.StdOut);
    }

    [Fact]
    public async Task A_group_without_its_subcommand_prints_its_help_and_exits_2()
    {
        var run = await Support.Cli.RunAsync("eval");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("videostyler eval [command]", run.StdOut);
        Assert.Contains("frontier", run.StdOut);
    }

    [Fact]
    public void Every_command_in_the_readme_parses()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        var commands = ReadmeCommands(readme).ToList();
        Assert.True(commands.Count >= 60, $"found only {commands.Count} commands in the README");
        var tree = CommandTree.Build();
        foreach (var line in commands)
        {
            var words = Entry.Words(Normalize(line));
            var parse = tree.Root.Parse(words, Entry.Parser);
            // A placeholder (N, INPUT) where a number belongs is the README's notation, not a syntax error.
            var errors = parse.Errors.Where(e => !words.Any(w => Placeholder().IsMatch(w) && e.Message.Contains($"'{w}'", StringComparison.Ordinal))).ToList();
            Assert.True(errors.Count == 0, $"README: {line}\n  -> {string.Join(" | ", errors.Select(e => e.Message))}");
        }
    }

    [Fact]
    public async Task The_completion_script_is_generated_from_the_tree_and_completes_in_bash()
    {
        var script = await Support.Cli.RunAsync("completion", "bash");
        Assert.Equal(0, script.ExitCode);
        var tree = CommandTree.Build();
        foreach (var command in tree.AllCommands())
        {
            Assert.Contains(command is RootCommand ? "videostyler" : command.Name, script.StdOut);
            foreach (var option in command.Options)
            {
                Assert.Contains(option.Name, script.StdOut);
            }
        }

        using var temp = new TempFolder();
        var dir = temp.Path;
        try
        {
            var file = Path.Combine(dir, "videostyler.bash");
            await File.WriteAllTextAsync(file, script.StdOut);
            var probe = string.Join("; ",
                $"source '{file}'",
                "probe() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _videostyler; echo \"${COMPREPLY[*]}\"; }",
                "probe videostyler sty",
                "probe videostyler stylize in.mp4 --dev",
                "probe videostyler stylize in.mp4 --device ''",
                "probe videostyler models ''",
                "probe videostyler plan in.mp4 --emit l",
                "probe videostyler styles list --j");
            var run = await Support.Cli.RunProcessAsync("bash", ["-c", probe], TimeSpan.FromSeconds(30));

            Assert.True(run.ExitCode == 0, run.ToString());
            var lines = run.StdOut.Split('\n');
            Assert.Equal("stylize styles", lines[0]);
            Assert.Equal("--device", lines[1]);
            Assert.Equal("auto cpu cuda tensorrt", lines[2]);
            Assert.Equal("list inspect add pull import generate-defaults", lines[3]);
            Assert.Equal("local", lines[4]);
            Assert.Equal("--json", lines[5]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Squash(string text) => Whitespace().Replace(text, " ").Trim();

    private static string[] Words(string path) => path.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A command line for <paramref name="path"/> that parses: its required arguments and options given.</summary>
    private static string[] Valid(string path)
    {
        var tree = CommandTree.Build();
        var command = tree.AllCommands().Single(c => CommandTree.PathOf(c) == path);
        var words = Words(path).ToList();
        words.AddRange(command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0).Select(_ => "x"));
        foreach (var option in command.Options.Where(o => o.Required))
        {
            words.AddRange([option.Name, "x"]);
        }

        // What the commands' own validators ask for.
        words.AddRange(path switch
        {
            "eval frontier" => ["--ref", "x"],
            "eval style" => ["--content", "x"],
            "plan" => ["--segments", "2"],
            _ => [],
        });
        return [.. words];
    }

    /// <summary>Every `./videostyler ...` line of the README's code blocks and inline code.</summary>
    private static IEnumerable<string> ReadmeCommands(string readme)
    {
        var inBlock = false;
        string? pending = null;
        foreach (var raw in readme.Split('\n'))
        {
            if (raw.StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock;
                continue;
            }

            if (!inBlock)
            {
                continue;
            }

            var line = pending is null ? raw : pending + " " + raw.Trim();
            pending = null;
            var at = line.IndexOf("./videostyler ", StringComparison.Ordinal);
            if (at < 0 && !line.TrimEnd().EndsWith("./videostyler", StringComparison.Ordinal))
            {
                continue;
            }

            line = Comment().Replace(line, "").TrimEnd();
            if (line.EndsWith('\\'))
            {
                pending = line[..^1];
                continue;
            }

            var start = line.IndexOf("./videostyler", StringComparison.Ordinal);
            var command = line[start..];
            // `source <(./videostyler completion bash)`: the command inside the parentheses.
            yield return start > 0 && line[start - 1] == '(' ? command[..command.IndexOf(')', StringComparison.Ordinal)] : command;
        }

        foreach (Match inline in InlineCommand().Matches(readme))
        {
            yield return Whitespace().Replace(inline.Groups["command"].Value, " ");
        }
    }

    /// <summary>The README's notation to a command line: optional parts [..] included, "..." left out.</summary>
    private static string[] Normalize(string line) =>
        [.. CommandLineParser.SplitCommandLine(line).Skip(1).Select(w => w.Replace("[", "", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal))
            .Where(w => w.Length > 0 && w != "...")];

    [GeneratedRegex(@"^[A-Z][A-Z0-9_]*$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"`(?<command>\./videostyler [^`]+)`", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex InlineCommand();

    [GeneratedRegex(@"\s+", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\s+#\s.*$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Comment();
}
