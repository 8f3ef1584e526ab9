namespace VideoStyler.ScaleOut;

/// <summary>How a worker starts this tool: the executable and the arguments before the verb (e.g. dotnet and the .dll).</summary>
internal sealed record ToolCommand(IReadOnlyList<string> Words)
{
    /// <summary>As a bash array's elements, each single-quoted.</summary>
    public string ShellWords => string.Join(' ', Words.Select(Quote));

    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
