namespace VideoStyler.Tests.Support;

internal static class CliAssert
{
    /// <summary>A failed run that said exactly one line, "error: ...", with no stack trace.</summary>
    public static void OneLineError(ProcessResult run, string expected)
    {
        Assert.True(run.ExitCode != 0, run.ToString());
        var lines = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one line on stderr:\n" + run.StdErr);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", run.StdErr);
    }
}
