namespace VideoStyler.Tests.Live;

/// <summary>
/// Starting a live run with its control endpoint, without guessing a free port: the run is given
/// --control-port 0 (the system picks the port) and the port is read back from its start line
/// ("...; control: http://127.0.0.1:PORT/").
/// </summary>
internal static class LiveControl
{
    /// <summary>How long a start may take on a loaded machine (the model is loaded before the start line).</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Starts `live ARGS --control-port 0` and waits for its start line; the port it listens on.</summary>
    /// <param name="args">The command line, "live" first, without --control-port.</param>
    /// <param name="start">How the command line is started (default: the built CLI).</param>
    public static async Task<(BackgroundProcess Live, int Port)> StartAsync(
        IReadOnlyList<string> args, Func<IEnumerable<string>, BackgroundProcess>? start = null)
    {
        start ??= a => BackgroundProcess.StartCli(a);
        var live = start([.. args, "--control-port", "0"]);
        try
        {
            var url = await ControlUrl.WaitAsync(live, StartTimeout);
            return (live, url.Port);
        }
        catch
        {
            live.Dispose();
            throw;
        }
    }
}
