namespace VideoStyler;

/// <summary>
/// An error caused by what the user gave us (a missing file, a bad model, an unwritable folder) or by
/// the world (ffmpeg failing). The CLI prints <see cref="Exception.Message"/> as one line and exits
/// with <see cref="ExitCode"/>; no stack trace is shown for these.
/// </summary>
public sealed class UserFacingException : Exception
{
    /// <summary>An error shown to the user as the one line <paramref name="message"/>.</summary>
    /// <param name="message">The line shown.</param>
    /// <param name="exitCode">The process's exit code (one of <see cref="ExitCodes"/>).</param>
    /// <param name="inner">The cause, if any.</param>
    public UserFacingException(string message, int exitCode = 1, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
    }

    /// <summary>The exit code the CLI ends with (one of <see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; }

    /// <summary>Extra lines (for example ffmpeg's stderr tail) shown only with --verbose.</summary>
    public string? Details { get; init; }
}
