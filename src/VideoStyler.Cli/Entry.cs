using System.CommandLine;
using System.CommandLine.Invocation;

namespace VideoStyler.Cli;

/// <summary>
/// Parses the command line with the <see cref="CommandTree"/>, runs the verb, and turns every failure
/// into one line on stderr and an exit code (<see cref="ExitCodes"/>).
/// </summary>
public static class Entry
{
    /// <summary>The parser's settings: no response files (an input named @x.mp4 is a file), no bundled short options.</summary>
    internal static ParserConfiguration Parser { get; } = new() { ResponseFileTokenReplacer = null, EnablePosixBundling = false };

    /// <summary>Parses and runs one command line; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var tree = CommandTree.Build();
        // `videostyler help [VERB ...]` is `videostyler [VERB ...] --help`.
        var words = args is ["help", .. var rest] ? [.. rest, "--help"] : args;
        var parse = tree.Root.Parse(words, Parser);
        var verbose = parse.GetValue(tree.Verbose);
        try
        {
            if (words.Length == 0 || parse.Action is ParseErrorAction && IsBareGroup(parse))
            {
                // A verb group without its subcommand (or nothing at all): its help, and exit 2 as before.
                var path = CommandTree.PathOf(parse.CommandResult.Command);
                await tree.Root.Parse([.. path.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"], Parser).InvokeAsync(Invocation());
                return ExitCodes.Usage;
            }

            if (parse.Action is ParseErrorAction)
            {
                throw new UsageException(UsageError(parse));
            }

            return await parse.InvokeAsync(Invocation());
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (UserFacingException ex)
        {
            Console.Error.WriteLine($"error: {OneLine(ex.Message)}");
            if (verbose && ex.Details is { } details)
            {
                Console.Error.WriteLine(details);
            }

            return ex.ExitCode;
        }
        catch (Exception ex) when (IsNativeLoadFailure(ex))
        {
            Console.Error.WriteLine($"error: a native library failed to load ({OneLine(Innermost(ex).Message)}); run scripts/setup.sh to install ffmpeg and libgtk-3-0");
            return ExitCodes.Error;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"error: unexpected failure: {ex.GetType().Name}: {OneLine(ex.Message)} (run with --verbose for details)");
            if (verbose)
            {
                Console.Error.WriteLine(ex);
            }

            return ExitCodes.InternalError;
        }
    }

    /// <summary>Settings for running a verb: our own error handling, and Ctrl-C left to <see cref="InterruptHandler"/>.</summary>
    internal static InvocationConfiguration Invocation() => new()
    {
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = null,
    };

    /// <summary>The parse's first error as one line: "VERB: message", unknown words named as such.</summary>
    internal static string UsageError(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var path = CommandTree.PathOf(command);
        var prefix = path.Length == 0 ? "" : path + ": ";
        var help = path.Length == 0 ? "videostyler --help" : $"videostyler {path} --help";
        if (parse.UnmatchedTokens.Count > 0)
        {
            var word = parse.UnmatchedTokens[0];
            if (path.Length == 0)
            {
                return $"unknown command '{word}' (see {help})";
            }

            if (command.Subcommands.Count > 0)
            {
                return $"{prefix}unknown subcommand '{word}' ({string.Join(", ", command.Subcommands.Select(c => c.Name))})";
            }

            return word.Length > 1 && word[0] == '-' && !double.TryParse(word, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
                ? $"{prefix}unknown option {word} (see {help})"
                : $"{prefix}unexpected argument '{word}' (see {help})";
        }

        var message = parse.Errors.Count > 0 ? OneLine(parse.Errors[0].Message) : "bad command line";
        return prefix + message;
    }

    /// <summary>A group (models, styles, eval) given without a subcommand and nothing else wrong.</summary>
    private static bool IsBareGroup(ParseResult parse) =>
        parse.CommandResult.Command is { Subcommands.Count: > 0, Action: null } && parse.UnmatchedTokens.Count == 0;

    internal static string OneLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? text : string.Join(" | ", lines.Take(2));
    }

    private static bool IsNativeLoadFailure(Exception ex) =>
        Innermost(ex) is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException;

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
