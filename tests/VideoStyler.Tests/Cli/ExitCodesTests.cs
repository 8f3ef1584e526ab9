using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Cli;

/// <summary>The README's exit-code table is the one in <see cref="ExitCodes"/>, row for row.</summary>
public class ExitCodesTests
{
    [Fact]
    public void Readme_table_matches_the_code()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        var table = readme[readme.IndexOf("#### Exit codes", StringComparison.Ordinal)..];
        var rows = table.Split('\n')
            .SkipWhile(l => !l.StartsWith("|---", StringComparison.Ordinal))
            .Skip(1)
            .TakeWhile(l => l.StartsWith('|'))
            .ToList();

        Assert.Equal(ExitCodes.All.Select(c => $"| {c.Code} | {c.Meaning} |"), rows, StringComparer.Ordinal);
    }
}
