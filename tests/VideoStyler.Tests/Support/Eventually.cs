using System.Diagnostics;

namespace VideoStyler.Tests.Support;

/// <summary>
/// Waiting for a condition instead of sleeping for a guessed time: the condition is polled every few
/// milliseconds until it holds or the deadline passes; then the test fails with what it waited for.
/// The deadlines are generous (a loaded machine is slow, a quick one returns at once).
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(100);

    /// <summary>Polls <paramref name="condition"/> until it holds.</summary>
    /// <param name="condition">What must come true.</param>
    /// <param name="what">What is awaited, for the failure message ("30 frames out").</param>
    /// <param name="timeout">How long to wait at most.</param>
    /// <param name="stopWaiting">Polled too: a reason why the condition can no longer come (the process ended), or null.</param>
    /// <param name="context">More for the failure message (the process's output so far).</param>
    /// <param name="every">How often to look (default 100 ms).</param>
    public static Task TrueAsync(
        Func<bool> condition, string what, TimeSpan timeout, Func<string?>? stopWaiting = null, Func<string>? context = null, TimeSpan? every = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeout, stopWaiting, context, every);

    /// <inheritdoc cref="TrueAsync(Func{bool}, string, TimeSpan, Func{string?}?, Func{string}?, TimeSpan?)"/>
    public static async Task TrueAsync(
        Func<Task<bool>> condition, string what, TimeSpan timeout, Func<string?>? stopWaiting = null, Func<string>? context = null, TimeSpan? every = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            // The reason to stop is read before the condition: a process that met it and then ended still counts.
            var stop = stopWaiting?.Invoke();
            if (await condition())
            {
                return;
            }

            if (stop is not null)
            {
                Assert.Fail($"gave up waiting for {what}: {stop}{Describe(context)}");
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"no {what} within {timeout.TotalSeconds:0.#} s{Describe(context)}");
            }

            await Task.Delay(every ?? Every);
        }
    }

    private static string Describe(Func<string>? context) => context is null ? "" : "\n" + context();
}
