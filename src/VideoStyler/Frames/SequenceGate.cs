namespace VideoStyler.Frames;

/// <summary>
/// Lets numbered steps run strictly in order across threads: the thread holding step n waits until step n - 1
/// has been marked done (<see cref="WaitFor"/>, <see cref="Done"/>). With several frames in flight, the parts of
/// the work that carry state from frame to frame (the flow from the previous frame, the feature history) run in
/// frame order while the rest overlaps. <see cref="Close"/> (a torn-down run) ends every wait with an
/// <see cref="OperationCanceledException"/>, so a worker whose partner failed does not hang. Waiting allocates
/// nothing once the lock exists.
/// </summary>
internal sealed class SequenceGate
{
    // A plain object, not System.Threading.Lock: Monitor.Wait/PulseAll need the monitor that `lock` takes on an object.
    private readonly object _lock = new();
    private long _next;
    private bool _closed;

    /// <summary>The step whose turn it is.</summary>
    public long Next
    {
        get
        {
            lock (_lock)
            {
                return _next;
            }
        }
    }

    /// <summary>Blocks until it is step <paramref name="step"/>'s turn.</summary>
    public void WaitFor(long step)
    {
        lock (_lock)
        {
            while (true)
            {
                if (_closed)
                {
                    throw new OperationCanceledException("the run was stopped");
                }

                if (_next == step)
                {
                    return;
                }

                if (_next > step)
                {
                    throw new InvalidOperationException($"step {step} came after step {_next - 1}: steps must be numbered 0, 1, 2, ... and each taken once");
                }

                Monitor.Wait(_lock);
            }
        }
    }

    /// <summary>Marks step <paramref name="step"/> done: the next one may go.</summary>
    public void Done(long step)
    {
        lock (_lock)
        {
            if (_next != step)
            {
                throw new InvalidOperationException($"step {step} marked done while step {_next} had the turn");
            }

            _next = step + 1;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Ends every wait, now and later, with an <see cref="OperationCanceledException"/>.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            Monitor.PulseAll(_lock);
        }
    }
}
