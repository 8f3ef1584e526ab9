using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace VideoStyler.Cli.Parsing;

/// <summary>
/// A command's longer text (what it does in detail, sources and sinks, exit codes), written by the
/// generated help after the options; the command's own description stays one line for command lists.
/// </summary>
internal static class HelpDetails
{
    private static readonly ConditionalWeakTable<Command, string> Details = [];

    /// <summary>A command with a one-line <paramref name="summary"/>, the <paramref name="details"/> its help ends with, and its arguments and options.</summary>
    public static Command Command(string name, string summary, string details, params Symbol[] children)
    {
        var command = new Command(name, summary);
        foreach (var child in children)
        {
            switch (child)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
                case Command sub:
                    command.Subcommands.Add(sub);
                    break;
            }
        }

        Details.AddOrUpdate(command, details);
        return command;
    }

    /// <summary>The details of <paramref name="command"/>, if it has any.</summary>
    public static string? Of(Command command) => Details.TryGetValue(command, out var text) ? text : null;

    /// <summary>Writes the library's generated help, then the command's details.</summary>
    internal sealed class Action(HelpAction generated) : SynchronousCommandLineAction
    {
        /// <inheritdoc/>
        public override bool ClearsParseErrors => true;

        /// <inheritdoc/>
        public override int Invoke(ParseResult parseResult)
        {
            var code = generated.Invoke(parseResult);
            if (Of(parseResult.CommandResult.Command) is { } details)
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Details:");
                foreach (var line in details.TrimEnd().Split('\n'))
                {
                    output.WriteLine(line.Length == 0 ? "" : "  " + line);
                }

                output.WriteLine();
            }

            return code;
        }
    }
}
