namespace VideoStyler;

/// <summary>
/// The process exit codes, the single source of truth for the CLI and the README's table.
/// Every failure ends with one of these and one line on stderr.
/// </summary>
public static class ExitCodes
{
    /// <summary>Done: everything asked for was written.</summary>
    public const int Ok = 0;

    /// <summary>An error: bad input file, model, output place, ffmpeg failure; nothing written under OUTPUT's name.</summary>
    public const int Error = 1;

    /// <summary>The command line is wrong (unknown option, missing or out-of-range value).</summary>
    public const int Usage = 2;

    /// <summary>The input is damaged or truncated: the frames that decoded are written and the loss is reported.</summary>
    public const int DamagedInput = 3;

    /// <summary>A bug in VideoStyler (an unexpected exception); --verbose shows the stack trace.</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted by Ctrl-C (SIGINT) or SIGTERM: the frames done so far are kept.</summary>
    public const int Interrupted = 130;

    /// <summary>Every code with its meaning, in the order of the README's table.</summary>
    public static IReadOnlyList<(int Code, string Meaning)> All { get; } =
    [
        (Ok, "done"),
        (Error, "error: nothing is written under OUTPUT's name (what an encoder wrote before it died is kept as NAME.partial.EXT)"),
        (Usage, "bad command line (unknown option, missing or out-of-range value)"),
        (DamagedInput, "damaged or truncated input: the frames that decoded are written and the loss is reported"),
        (InternalError, "internal error (a bug): run again with --verbose and report the stack trace"),
        (Interrupted, "interrupted (Ctrl-C or SIGTERM): the frames done so far are kept"),
    ];
}
