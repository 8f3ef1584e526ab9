using System.Text;
using System.Text.RegularExpressions;
using VideoStyler.Tests.Support;
using Xunit.Abstractions;

namespace VideoStyler.Tests.Architecture;

/// <summary>
/// The namespaces of src/VideoStyler form layers: no cycle between top-level namespaces, and the bottom
/// layers use nothing above them. Read from the source text: each file's namespace, and the VideoStyler.*
/// namespaces it names (using directives, fully qualified names, names relative to VideoStyler such as
/// <c>Pipeline.StylizeRunner</c>), with comments and string literals taken out first.
/// </summary>
public partial class NamespaceLayersTests
{
    private readonly ITestOutputHelper _output;

    public NamespaceLayersTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Top_level_namespaces_have_no_cycle()
    {
        var graph = Graph();
        _output.WriteLine(Describe(graph));
        var edges = graph.Where(n => n.Key.Length > 0).ToDictionary(
            n => n.Key,
            n => n.Value.Keys.ToList(),
            StringComparer.Ordinal);

        var cycle = FindCycle(edges);

        Assert.True(cycle is null, $"namespace cycle: {string.Join(" -> ", cycle ?? [])}\n{Describe(graph)}");
    }

    [Fact]
    public void Frames_and_Files_are_the_bottom_layer()
    {
        var graph = Graph();

        Assert.True(graph["Frames"].Count == 0, "Frames uses " + Uses(graph, "Frames"));
        // Files uses Frames for one thing only: the libc entry points (Frames/Libc.cs holds them all).
        Assert.True(graph["Files"].Keys.All(to => to == "Frames"), "Files uses " + Uses(graph, "Files"));
    }

    [Fact]
    public void Media_uses_only_the_frame_layer_and_files()
    {
        var graph = Graph();

        Assert.True(graph["Media"].Keys.All(to => to is "Frames" or "Files"), "Media uses " + Uses(graph, "Media"));
    }

    [Fact]
    public void The_reader_sees_through_comments_and_strings_and_finds_relative_names()
    {
        const string code = """"
            using System.Text;
            using VideoStyler.Frames;
            namespace VideoStyler.Live.Parts;
            // using VideoStyler.Stylize;
            /* VideoStyler.Models.X */
            class A { string s = "VideoStyler.Pipeline.B // x"; string t = @"Quality."""; int n = Temporal.Count; }
            """";

        var (ns, uses) = Read(code, ["Frames", "Live", "Stylize", "Models", "Pipeline", "Quality", "Temporal"]);

        Assert.Equal("Live", ns);
        Assert.Equal(["Frames", "Temporal"], uses.Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    private static string Uses(Dictionary<string, Dictionary<string, string>> graph, string from) =>
        string.Join(", ", graph[from].Select(e => $"{e.Key} ({e.Value})"));

    /// <summary>
    /// From namespace -> (to namespace -> one file that makes the edge). The root namespace (VideoStyler:
    /// UserFacingException, ExitCodes, and the JSON context that lists the records of every layer) is
    /// shown but left out of the layers: every namespace uses it without naming it, so it is not read.
    /// </summary>
    private static Dictionary<string, Dictionary<string, string>> Graph()
    {
        var source = Path.Combine(TestPaths.RepoRoot, "src", "VideoStyler");
        var files = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(source, f).Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .ToList();
        Assert.NotEmpty(files);
        var texts = files.ToDictionary(f => f, f => Strip(File.ReadAllText(f)), StringComparer.Ordinal);
        var known = texts.Values.Select(NamespaceOf).Where(n => n is not null).Select(n => n!).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("Frames", known);
        Assert.Contains("Media", known);

        var graph = known.ToDictionary(n => n, _ => new Dictionary<string, string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (file, text) in texts)
        {
            var (ns, uses) = ReadStripped(text, known);
            if (ns is null)
            {
                continue;
            }

            foreach (var to in uses.Where(to => to != ns))
            {
                graph[ns].TryAdd(to, Path.GetRelativePath(source, file));
            }
        }

        return graph;
    }

    private static (string? Namespace, HashSet<string> Uses) Read(string code, IReadOnlyCollection<string> known) =>
        ReadStripped(Strip(code), known.ToHashSet(StringComparer.Ordinal));

    private static (string? Namespace, HashSet<string> Uses) ReadStripped(string code, HashSet<string> known)
    {
        var ns = NamespaceOf(code);
        var uses = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in QualifiedName().Matches(code))
        {
            if (known.Contains(match.Groups["top"].Value))
            {
                uses.Add(match.Groups["top"].Value);
            }
        }

        // Inside namespace VideoStyler.*, "Pipeline.StylizeRunner" names VideoStyler.Pipeline too.
        foreach (Match match in RelativeName().Matches(code))
        {
            if (known.Contains(match.Groups["top"].Value))
            {
                uses.Add(match.Groups["top"].Value);
            }
        }

        if (ns is not null)
        {
            uses.Remove(ns);
        }

        return (ns, uses);
    }

    /// <summary>The top level under VideoStyler ("" for VideoStyler itself); null outside VideoStyler.</summary>
    private static string? NamespaceOf(string code)
    {
        var match = NamespaceDeclaration().Match(code);
        return match.Success ? match.Groups["top"].Value : null;
    }

    /// <summary>The code with comments, string and character literals replaced by spaces.</summary>
    private static string Strip(string code)
    {
        var result = new StringBuilder(code.Length);
        var i = 0;
        while (i < code.Length)
        {
            var c = code[i];
            var next = i + 1 < code.Length ? code[i + 1] : '\0';
            if (c == '/' && next == '/')
            {
                while (i < code.Length && code[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && next == '*')
            {
                var end = code.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? code.Length : end + 2;
                result.Append(' ');
            }
            else if (c == '"' || (c is '@' or '$' && next is '"' or '@' or '$'))
            {
                i = SkipString(code, i);
                result.Append("\"\"");
            }
            else if (c == '\'')
            {
                // A character literal: 'x', '\n', '\u0041'.
                i++;
                while (i < code.Length && code[i] != '\'')
                {
                    i += code[i] == '\\' ? 2 : 1;
                }

                i++;
                result.Append("' '");
            }
            else
            {
                result.Append(c);
                i++;
            }
        }

        return result.ToString();
    }

    /// <summary>Skips a string literal of any kind (regular, verbatim, interpolated, raw) from its prefix.</summary>
    private static int SkipString(string code, int start)
    {
        var i = start;
        var verbatim = false;
        while (code[i] is '@' or '$')
        {
            verbatim |= code[i] == '@';
            i++;
        }

        var quotes = 0;
        while (i + quotes < code.Length && code[i + quotes] == '"')
        {
            quotes++;
        }

        if (quotes >= 3)
        {
            // Raw string: ends at the same number of quotes.
            var end = code.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
            return end < 0 ? code.Length : end + quotes;
        }

        if (quotes == 2 && !verbatim)
        {
            return i + 2; // ""
        }

        i++;
        while (i < code.Length)
        {
            if (verbatim && code[i] == '"' && i + 1 < code.Length && code[i + 1] == '"')
            {
                i += 2;
            }
            else if (!verbatim && code[i] == '\\')
            {
                i += 2;
            }
            else if (code[i] == '"')
            {
                return i + 1;
            }
            else
            {
                i++;
            }
        }

        return i;
    }

    private static List<string>? FindCycle(Dictionary<string, List<string>> edges)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the path, 2 done
        var path = new List<string>();
        foreach (var start in edges.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(start) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        List<string>? Visit(string node)
        {
            if (state.TryGetValue(node, out var s))
            {
                return s == 1 ? [.. path.Skip(path.IndexOf(node)), node] : null;
            }

            state[node] = 1;
            path.Add(node);
            foreach (var to in edges.GetValueOrDefault(node, []).Order(StringComparer.Ordinal))
            {
                if (Visit(to) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
    }

    private static string Describe(Dictionary<string, Dictionary<string, string>> graph) =>
        string.Join('\n', graph.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n =>
            $"{(n.Key.Length == 0 ? "(root)" : n.Key)} -> {string.Join(", ", n.Value.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} ({e.Value})"))}"));

    [GeneratedRegex(@"^\s*namespace\s+VideoStyler(?:\.(?<top>[A-Za-z_][A-Za-z0-9_]*))?(?:\.[A-Za-z0-9_.]+)?\s*[;{]", RegexOptions.Multiline | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 10_000)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"(?<![A-Za-z0-9_.])(?:global::)?VideoStyler\.(?<top>[A-Za-z_][A-Za-z0-9_]*)", RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 10_000)]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"(?<![A-Za-z0-9_.])(?<top>[A-Z][A-Za-z0-9_]*)\.[A-Z]", RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 10_000)]
    private static partial Regex RelativeName();
}
