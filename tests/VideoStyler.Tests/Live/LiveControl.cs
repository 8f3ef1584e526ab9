using System.Globalization;
using System.Text.RegularExpressions;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Live;

/// <summary>
/// Starting a live run with its control endpoint, without guessing a free port: the port is read back
/// from the run's start line ("...; control: http://127.0.0.1:PORT/"), and a run that could not bind
/// the port it was given (another process took it meanwhile) is started again on another one.
/// </summary>
internal static partial class LiveControl
{
    private const int Attempts = 3;

    /// <summary>How long a start may take on a loaded machine (the model is loaded before the start line).</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Starts `live ARGS --control-port P` and waits for its start line; the port it listens on.</summary>
    /// <param name="args">The command line, "live" first, without --control-port.</param>
    /// <param name="start">How the command line is started (default: the built CLI).</param>
    public static async Task<(BackgroundProcess Live, int Port)> StartAsync(
        IReadOnlyList<string> args, Func<IEnumerable<string>, BackgroundProcess>? start = null)
    {
        start ??= a => BackgroundProcess.StartCli(a);
        for (var attempt = 1; ; attempt++)
        {
            // When the live command takes --control-port 0 (the system picks the port, the start line says
            // which), this is 0 and the retry below has nothing left to do.
            var port = LiveTestSupport.FreeTcpPort();
            var live = start([.. args, "--control-port", port.ToString(CultureInfo.InvariantCulture)]);
            await Eventually.TrueAsync(
                () => live.HasExited || ControlPort(live) is not null, "the live start line", StartTimeout, context: live.Output);
            if (ControlPort(live) is { } listening)
            {
                return (live, listening);
            }

            var output = live.Output();
            live.Dispose();
            if (attempt == Attempts || !output.Contains("for the control endpoint", StringComparison.Ordinal))
            {
                Assert.Fail($"live ended before it started (attempt {attempt}):\n{output}");
            }
        }
    }

    /// <summary>The control port from the start line, once it is printed.</summary>
    public static int? ControlPort(BackgroundProcess live) =>
        StartLine().Match(live.Output()) is { Success: true } match ? int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"^live: .*; control: http://[^/\s]+:(?<port>\d+)/", RegexOptions.Multiline | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex StartLine();
}
