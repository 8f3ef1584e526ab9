namespace VideoStyler.Frames;

/// <summary>
/// Lets a stage that runs on its own thread (inference, flow: synchronous work of milliseconds to
/// seconds) wait for a channel without allocating. <c>vt.AsTask().GetAwaiter().GetResult()</c> would
/// allocate a Task and a wait handle every time it actually waits, i.e. on nearly every frame of a
/// pipeline under backpressure. Here the continuation is one cached delegate that sets one reusable
/// event, and the channel's own pooled operation (used when no cancellation token is passed) carries
/// the result: waiting is free. One waiter per thread; not thread-safe.
/// </summary>
/// <remarks>
/// Because the channel calls then take no cancellation token, a hard stop must reach a waiting stage by
/// completing the channel it waits on (see <c>Pipeline.StylizeRunner</c>), which ends the wait with an
/// exception or <c>false</c>.
/// </remarks>
internal sealed class BlockingWaiter : IDisposable
{
    private readonly ManualResetEventSlim _signal = new(initialState: false, spinCount: 0);
    private readonly Action _set;

    public BlockingWaiter() => _set = _signal.Set;

    public T Wait<T>(ValueTask<T> pending)
    {
        if (pending.IsCompleted)
        {
            return pending.GetAwaiter().GetResult();
        }

        _signal.Reset();
        var awaiter = pending.ConfigureAwait(false).GetAwaiter();
        awaiter.UnsafeOnCompleted(_set);
        _signal.Wait();
        return awaiter.GetResult();
    }

    public void Dispose() => _signal.Dispose();
}
