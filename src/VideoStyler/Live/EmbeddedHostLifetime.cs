using Microsoft.Extensions.Hosting;

namespace VideoStyler.Live;

/// <summary>
/// The control server's host lifetime: starts and stops when told, and ignores Ctrl-C and SIGTERM (the
/// default console lifetime would stop the server on the first Ctrl-C, while the live command is still
/// finishing its outputs and owns the signals).
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    /// <inheritdoc/>
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
