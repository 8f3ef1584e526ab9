using VideoStyler.Pipeline;
using System.Runtime.InteropServices;
using VideoStyler.Sources;

namespace VideoStyler.Cli;

/// <summary>
/// Turns the first Ctrl-C (SIGINT) or SIGTERM into a graceful stop (finish the frames in flight and
/// finalize the output); a second one ends the process at once.
/// </summary>
internal sealed class InterruptHandler : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;

    private InterruptHandler(CancellationTokenSource stop)
    {
        _stop = stop;
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public static InterruptHandler Install(CancellationTokenSource stop) => new(stop);

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (_stop.IsCancellationRequested)
        {
            StopNow();
        }

        Console.Error.WriteLine($"{context.Signal}: stopping — finishing the frames in flight and finalizing the output (again to quit at once)");
        _stop.Cancel();
    }

    /// <summary>
    /// The second signal: end the ffmpeg children now (SIGTERM, so the encoder still writes its trailer,
    /// then SIGKILL), keep every unfinished output as NAME.partial.EXT (never under a hidden name) and exit.
    /// </summary>
    private static void StopNow()
    {
        Console.Error.WriteLine("stopping now (second signal)");
        ChildProcesses.EndFfmpegChildren(TimeSpan.FromSeconds(3));
        foreach (var kept in OutputFile.AbandonAll())
        {
            Console.Error.WriteLine($"interrupted: what was done is kept as {kept}");
        }

        Environment.Exit(ExitCodes.Interrupted);
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
    }
}
