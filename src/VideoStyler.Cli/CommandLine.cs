using System.Globalization;

namespace VideoStyler.Cli;

/// <summary>
/// A small argument parser: positionals, flags (--force) and options with values (--size 480 or
/// --size=480). Unknown options are errors, so a typo never silently does the wrong thing.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly List<(string Name, string Value)> _all = [];
    private readonly string _verb;

    private CommandLine(string verb)
    {
        _verb = verb;
    }

    public List<string> Positionals { get; } = [];

    public bool HelpRequested { get; private set; }

    /// <param name="verb">The verb, for messages.</param>
    /// <param name="args">Arguments after the verb.</param>
    /// <param name="valueOptions">Options that take a value (e.g. "--size", "-o").</param>
    /// <param name="flags">Options without a value (e.g. "--force").</param>
    public static CommandLine Parse(string verb, IReadOnlyList<string> args, IEnumerable<string> valueOptions, IEnumerable<string> flags)
    {
        var values = new HashSet<string>(valueOptions, StringComparer.Ordinal);
        var switches = new HashSet<string>(flags, StringComparer.Ordinal);
        var line = new CommandLine(verb);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                line.HelpRequested = true;
                continue;
            }

            if (arg == "--")
            {
                line.Positionals.AddRange(args.Skip(i + 1));
                break;
            }

            if (arg.Length > 1 && arg[0] == '-' && !IsNumber(arg))
            {
                var name = arg;
                string? inline = null;
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    name = arg[..eq];
                    inline = arg[(eq + 1)..];
                }

                if (values.Contains(name))
                {
                    if (inline is null)
                    {
                        if (i + 1 >= args.Count)
                        {
                            throw new UsageException($"{verb}: option {name} needs a value");
                        }

                        inline = args[++i];
                    }

                    line._options[name] = inline;
                    line._all.Add((name, inline));
                }
                else if (switches.Contains(name) && inline is null)
                {
                    line._options[name] = null;
                }
                else
                {
                    throw new UsageException($"{verb}: unknown option {name} (see videostyler {verb} --help)");
                }

                continue;
            }

            line.Positionals.Add(arg);
        }

        return line;
    }

    /// <summary>Every value of an option that may repeat (e.g. --tag a=b --tag c=d).</summary>
    public IEnumerable<string> GetAll(string name) => _all.Where(o => o.Name == name).Select(o => o.Value);

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.TryGetValue(name, out var value) ? value : null;

    public int GetInt(string name, int fallback, int min, int max)
    {
        var text = Get(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"{_verb}: {name} must be a whole number from {min} to {max}, not '{text}'");
        }

        return value;
    }

    public double GetDouble(string name, double fallback, double min, double max)
    {
        var text = Get(name);
        if (text is null)
        {
            return fallback;
        }

        // NaN compares false with everything and would slip through a range check: finite numbers only.
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < min || value > max)
        {
            throw new UsageException($"{_verb}: {name} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{text}'");
        }

        return value;
    }

    private static bool IsNumber(string arg) => double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
