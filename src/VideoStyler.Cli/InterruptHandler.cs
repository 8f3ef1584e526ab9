using System.Runtime.InteropServices;

namespace VideoStyler.Cli;

/// <summary>
/// Turns the first Ctrl-C (SIGINT) or SIGTERM into a graceful stop (finish the frames in flight and
/// finalize the output); a second one ends the process at once.
/// </summary>
public sealed class InterruptHandler : IDisposable
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
            Console.Error.WriteLine("stopping now (second signal)");
            Environment.Exit(130);
        }

        Console.Error.WriteLine($"{context.Signal}: stopping — finishing the frames in flight and finalizing the output (again to quit at once)");
        _stop.Cancel();
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
    }
}
