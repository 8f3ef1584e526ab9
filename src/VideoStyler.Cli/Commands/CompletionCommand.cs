using System.CommandLine;
using VideoStyler.Cli.Parsing;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler completion bash`: prints a bash completion script generated from the command tree.</summary>
internal static class CompletionCommand
{
    /// <summary>The completion verb.</summary>
    internal static Command Create()
    {
        var shell = new Argument<string>("SHELL")
        {
            Description = "the shell to complete in (bash)",
            DefaultValueFactory = _ => "bash",
        };
        shell.AcceptOnlyFromAmong("bash");
        var command = HelpDetails.Command("completion", "print a bash completion script generated from the command tree", """
            Prints a bash completion script for videostyler, generated from this command tree (the verbs,
            their subcommands and options, and the fixed values of options such as --device). Load it in
            the current shell with `source <(./videostyler completion bash)`, or keep it as
            ~/.local/share/bash-completion/completions/videostyler.
            """,
            shell);
        command.SetAction(parse =>
        {
            var root = parse.RootCommandResult.Command as RootCommand ?? throw new InvalidOperationException("completion runs under the root command");
            parse.InvocationConfiguration.Output.Write(BashCompletion.Script(root, CommandTree.ProgramName));
            return ExitCodes.Ok;
        });
        return command;
    }
}
