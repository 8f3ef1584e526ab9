using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using VideoStyler.Cli.Commands;
using VideoStyler.Cli.Parsing;

namespace VideoStyler.Cli;

/// <summary>
/// The whole command line as one System.CommandLine tree: every verb, its options (each declared once,
/// with its description, default and range) and its action. Help, usage errors and shell completion
/// are all generated from this tree.
/// </summary>
internal sealed class CommandTree
{
    /// <summary>The program's name in help and completion.</summary>
    public const string ProgramName = "videostyler";

    private CommandTree(RootCommand root, Option<bool> verbose)
    {
        Root = root;
        Verbose = verbose;
    }

    /// <summary>The root command (videostyler) with every verb under it.</summary>
    public RootCommand Root { get; }

    /// <summary>--verbose, recursive: valid after any verb.</summary>
    public Option<bool> Verbose { get; }

    /// <summary>Builds a fresh tree (symbols are not shared between trees).</summary>
    public static CommandTree Build()
    {
        var root = new RootCommand("""
            videostyler — real-time video stylization with ONNX style models

            examples:
              videostyler stylize samples/sample.mp4 -o out.mp4
              videostyler stylize in.mkv -o out.mp4 --style ../shared/models/candy.onnx --size 360
              videostyler live --input ../shared/data/help.mkv --loop --output udp://127.0.0.1:5000
            """);
        var verbose = new Option<bool>("--verbose")
        {
            Description = "show details (ffmpeg's stderr, stack traces) on errors",
            Recursive = true,
            Arity = ArgumentArity.Zero,
        };
        root.HelpName = ProgramName;
        root.Options.Add(verbose);
        foreach (var option in root.Options)
        {
            switch (option)
            {
                case VersionOption version:
                    version.Action = new VersionAction();
                    break;
                case HelpOption help when help.Action is HelpAction action:
                    help.Action = new HelpDetails.Action(action);
                    // Windows spellings: "/h" is a path here (`inspect /h` inspects the file /h).
                    help.Aliases.Remove("/h");
                    help.Aliases.Remove("/?");
                    break;
            }
        }

        Command[] verbs =
        [
            StylizeCommand.Create(),
            LiveCommand.Create(),
            StylesCommand.Create(),
            ModelsCommand.Create(),
            EvalCommand.Create(),
            BenchCommand.Create(),
            DevicesCommand.Create(),
            InspectCommand.Create(),
            PlanCommand.Create(),
            RunSegmentCommand.Create(),
            JoinCommand.Create(),
            CompletionCommand.Create(),
        ];
        foreach (var verb in verbs)
        {
            root.Subcommands.Add(verb);
        }

        var tree = new CommandTree(root, verbose);
        foreach (var command in tree.AllCommands().Where(c => c is not RootCommand))
        {
            // Descriptions are written as wrapped source text; help re-wraps them to the terminal.
            command.Description = Flatten(command.Description);
            foreach (var option in command.Options)
            {
                option.Description = Flatten(option.Description);
            }

            foreach (var argument in command.Arguments)
            {
                argument.Description = Flatten(argument.Description);
            }
        }

        return tree;
    }

    /// <summary>Every command in the tree, the root first, depth first.</summary>
    public IEnumerable<Command> AllCommands() => Walk(Root);

    /// <summary>"models add" for the models add command; "" for the root.</summary>
    public static string PathOf(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command { } c and not RootCommand; symbol = c.Parents.FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return string.Join(' ', names);
    }

    private static string? Flatten(string? text) =>
        text is null ? null : string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static IEnumerable<Command> Walk(Command command)
    {
        yield return command;
        foreach (var sub in command.Subcommands)
        {
            foreach (var c in Walk(sub))
            {
                yield return c;
            }
        }
    }

    /// <summary>--version prints the tool version the outputs are marked with.</summary>
    private sealed class VersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Pipeline.StylizeRunner.ToolVersion);
            return ExitCodes.Ok;
        }
    }
}
