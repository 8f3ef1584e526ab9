namespace VideoStyler.Cli;

/// <summary>The command line itself is wrong (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
