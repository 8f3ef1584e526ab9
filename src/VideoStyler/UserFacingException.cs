namespace VideoStyler;

/// <summary>
/// An error caused by what the user gave us (a missing file, a bad model, an unwritable folder) or by
/// the world (ffmpeg failing). The CLI prints <see cref="Exception.Message"/> as one line and exits
/// with <see cref="ExitCode"/>; no stack trace is shown for these.
/// </summary>
public sealed class UserFacingException : Exception
{
    public UserFacingException(string message, int exitCode = 1, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }

    /// <summary>Extra lines (for example ffmpeg's stderr tail) shown only with --verbose.</summary>
    public string? Details { get; init; }
}
