using System.Threading.Channels;
using VideoStyler.Frames;

namespace VideoStyler.Pipeline;

/// <summary>
/// One writer over the input channels of several workers: frame i goes to worker i mod K, so the
/// workers' outputs, read back in the same turn (<see cref="RoundRobinReader"/>), come out in order.
/// Single writer; allocates nothing per frame (every call forwards to one bounded channel).
/// </summary>
internal sealed class RoundRobinWriter : ChannelWriter<Frame>
{
    private readonly ChannelWriter<Frame>[] _targets;
    private int _next;

    public RoundRobinWriter(IReadOnlyList<ChannelWriter<Frame>> targets)
    {
        ArgumentOutOfRangeException.ThrowIfZero(targets.Count, nameof(targets));
        _targets = [.. targets];
    }

    public override bool TryWrite(Frame item)
    {
        if (!_targets[_next].TryWrite(item))
        {
            return false;
        }

        Advance();
        return true;
    }

    public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) =>
        _targets[_next].WaitToWriteAsync(cancellationToken);

    public override ValueTask WriteAsync(Frame item, CancellationToken cancellationToken = default)
    {
        // The one writer awaits each write before the next, so the turn can move on now.
        var target = _targets[_next];
        Advance();
        return target.WriteAsync(item, cancellationToken);
    }

    /// <summary>Completes every worker's input: each finishes what it holds, then completes its output.</summary>
    public override bool TryComplete(Exception? error = null)
    {
        var any = false;
        foreach (var target in _targets)
        {
            any |= target.TryComplete(error);
        }

        return any;
    }

    private void Advance() => _next = _next + 1 == _targets.Length ? 0 : _next + 1;
}
