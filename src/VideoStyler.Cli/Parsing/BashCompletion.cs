using System.CommandLine;
using System.CommandLine.Completions;
using System.Text;

namespace VideoStyler.Cli.Parsing;

/// <summary>
/// Writes a bash completion script from the command tree: the verbs and subcommands after each
/// command, the options of each, the fixed values some options take (--device, --temporal-mode, ...),
/// and file names elsewhere. Generated, so it always lists what the parser accepts.
/// </summary>
internal static class BashCompletion
{
    /// <summary>The script for <paramref name="root"/>, completing the command <paramref name="program"/>.</summary>
    public static string Script(RootCommand root, string program)
    {
        var commands = Walk(root, "").ToList();
        var fn = "_" + program.Replace('-', '_');
        var text = new StringBuilder();
        text.Append(CultureInvariant($"# bash completion for {program}, generated from its command tree by `{program} completion bash`.\n"));
        text.Append(CultureInvariant($"# Load it with: source <({program} completion bash)\n\n"));

        text.Append(CultureInvariant($"{fn}_commands() {{\n  case \"$1\" in\n"));
        foreach (var (path, command) in commands.Where(c => c.Command.Subcommands.Count > 0))
        {
            text.Append(CultureInvariant($"    \"{path}\") echo \"{string.Join(' ', command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}\" ;;\n"));
        }

        text.Append("  esac\n}\n\n");
        text.Append(CultureInvariant($"{fn}_options() {{\n  case \"$1\" in\n"));
        foreach (var (path, command) in commands)
        {
            text.Append(CultureInvariant($"    \"{path}\") echo \"{string.Join(' ', OptionsOf(command).SelectMany(o => new[] { o.Name }.Concat(o.Aliases)).Order(StringComparer.Ordinal))}\" ;;\n"));
        }

        text.Append("  esac\n}\n\n");
        text.Append("# prints the values an option takes (empty: file names); fails for options without a value\n");
        text.Append(CultureInvariant($"{fn}_values() {{\n  case \"$1|$2\" in\n"));
        foreach (var (path, command) in commands)
        {
            foreach (var option in OptionsOf(command).Where(o => o.Arity.MaximumNumberOfValues > 0))
            {
                var names = string.Join('|', new[] { option.Name }.Concat(option.Aliases).Select(n => $"\"{path}|{n}\""));
                var values = option.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToList();
                var isBool = option.ValueType == typeof(bool);
                text.Append(CultureInvariant($"    {names}) echo \"{(isBool ? "" : string.Join(' ', values))}\" ;;\n"));
            }
        }

        text.Append("    *) return 1 ;;\n  esac\n}\n\n");
        text.Append(CultureInvariant($$"""
            {{fn}}() {
              local cur="${COMP_WORDS[COMP_CWORD]}" path="" i word values
              for ((i = 1; i < COMP_CWORD; i++)); do
                word="${COMP_WORDS[i]}"
                if [[ $word == -* ]]; then
                  {{fn}}_values "$path" "$word" >/dev/null && ((i++))
                  continue
                fi
                if [[ " $({{fn}}_commands "$path") " == *" $word "* ]]; then
                  path="${path:+$path }$word"
                fi
              done
              if ((COMP_CWORD > 1)) && values="$({{fn}}_values "$path" "${COMP_WORDS[COMP_CWORD - 1]}")"; then
                if [[ -n $values ]]; then
                  COMPREPLY=($(compgen -W "$values" -- "$cur"))
                else
                  COMPREPLY=($(compgen -f -- "$cur"))
                fi
                return 0
              fi
              values="$({{fn}}_commands "$path")"
              if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$({{fn}}_options "$path")" -- "$cur"))
              elif [[ -n $values ]]; then
                COMPREPLY=($(compgen -W "$values" -- "$cur"))
              else
                COMPREPLY=($(compgen -f -- "$cur"))
              fi
              return 0
            }
            complete -o filenames -F {{fn}} {{program}}

            """));
        return text.ToString();
    }

    /// <summary>The options valid after <paramref name="command"/>: its own and the recursive ones of the commands above it.</summary>
    internal static IEnumerable<Option> OptionsOf(Command command)
    {
        var own = command.Options.Where(o => !o.Hidden);
        var inherited = Ancestors(command).SelectMany(c => c.Options.Where(o => o.Recursive && !o.Hidden));
        return own.Concat(inherited).DistinctBy(o => o.Name, StringComparer.Ordinal);
    }

    private static IEnumerable<Command> Ancestors(Command command)
    {
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            yield return parent;
        }
    }

    private static IEnumerable<(string Path, Command Command)> Walk(Command command, string path)
    {
        yield return (path, command);
        foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
        {
            foreach (var item in Walk(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}"))
            {
                yield return item;
            }
        }
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
