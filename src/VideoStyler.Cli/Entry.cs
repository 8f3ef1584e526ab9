using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;

namespace VideoStyler.Cli;

/// <summary>
/// Parses the command line with the <see cref="CommandTree"/>, runs the verb, and turns every failure
/// into one line on stderr and an exit code (<see cref="ExitCodes"/>).
/// </summary>
internal static class Entry
{
    /// <summary>The parser's settings: no response files (an input named @x.mp4 is a file), no bundled short options.</summary>
    internal static ParserConfiguration Parser { get; } = new() { ResponseFileTokenReplacer = null, EnablePosixBundling = false };

    /// <summary>Parses and runs one command line; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var tree = CommandTree.Build();
        var words = Words(args);
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

            if (UsageProblem(parse) is { } problem)
            {
                throw new UsageException(problem);
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

    /// <summary>`videostyler help [VERB ...]` is `videostyler [VERB ...] --help`; other command lines are parsed as given.</summary>
    internal static string[] Words(string[] args) => args is ["help", .. var rest] ? [.. rest, "--help"] : args;

    /// <summary>Settings for running a verb: our own error handling, and Ctrl-C left to <see cref="InterruptHandler"/>.</summary>
    internal static InvocationConfiguration Invocation() => new()
    {
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = null,
    };

    /// <summary>
    /// What is wrong with the command line, as one line ("VERB: message"), or null when the verb can run
    /// (help and --version always can). An unknown option comes first: it is usually the cause of the rest.
    /// </summary>
    internal static string? UsageProblem(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (parse.Action is not ParseErrorAction && (parse.Action is null || parse.Action != command.Action))
        {
            return null;
        }

        var path = CommandTree.PathOf(command);
        var prefix = path.Length == 0 ? "" : path + ": ";
        var help = path.Length == 0 ? "videostyler --help" : $"videostyler {path} --help";
        var word = StrayOption(parse) ?? (parse.UnmatchedTokens.Count > 0 ? parse.UnmatchedTokens[0] : null);
        if (word is not null)
        {
            if (LooksLikeOption(word))
            {
                return $"{prefix}unknown option {word} (see {help})";
            }

            if (path.Length == 0)
            {
                return $"unknown command '{word}' (see {help})";
            }

            return command.Subcommands.Count > 0
                ? $"{prefix}unknown subcommand '{word}' ({string.Join(", ", command.Subcommands.Select(c => c.Name))})"
                : $"{prefix}unexpected argument '{word}' (see {help})";
        }

        return parse.Errors.Count > 0 ? prefix + OneLine(parse.Errors[0].Message) : null;
    }

    /// <summary>
    /// A word that looks like an option (-x, --name) taken as a positional argument: the parser gives
    /// such words to an argument that still wants a value, so `inspect --bogus` would inspect a file
    /// named --bogus. After `--` they are file names (`stylize -o out.mp4 -- -x.mp4`); as an option's
    /// value they are values (`--watermark -x`).
    /// </summary>
    private static string? StrayOption(ParseResult parse)
    {
        var tokens = parse.Tokens;
        var options = new Dictionary<string, Option>(StringComparer.Ordinal);
        for (Symbol? symbol = parse.CommandResult.Command; symbol is Command command; symbol = command.Parents.FirstOrDefault())
        {
            foreach (var option in command.Options)
            {
                foreach (var name in option.Aliases.Append(option.Name))
                {
                    options.TryAdd(name, option);
                }
            }
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Type == TokenType.DoubleDash)
            {
                return null;
            }

            if (token.Type == TokenType.Option)
            {
                if (options.TryGetValue(token.Value, out var option) && option.Arity.MaximumNumberOfValues > 0 && i + 1 < tokens.Count && tokens[i + 1].Type == TokenType.Argument)
                {
                    i++;
                }
            }
            else if (token.Type == TokenType.Argument && LooksLikeOption(token.Value))
            {
                return token.Value;
            }
        }

        return null;
    }

    private static bool LooksLikeOption(string word) =>
        word.Length > 1 && word[0] == '-' && !double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

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
