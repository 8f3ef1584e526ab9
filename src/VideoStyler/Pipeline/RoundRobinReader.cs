using System.Threading.Channels;
using VideoStyler.Frames;

namespace VideoStyler.Pipeline;

/// <summary>
/// Reads the workers' output channels in the turn <see cref="RoundRobinWriter"/> gave them frames, so
/// frames come out in their input order. The stream ends when the worker whose turn it is has completed
/// its output and holds nothing more: frame i went to worker i mod K, so no later frame exists anywhere.
/// A worker's fault surfaces when its turn comes; the runner's abort completes every channel, so a read
/// waiting on another worker does not hang. Single reader; allocates nothing per frame.
/// </summary>
internal sealed class RoundRobinReader : ChannelReader<Frame>
{
    private readonly ChannelReader<Frame>[] _sources;
    private int _next;

    public RoundRobinReader(IReadOnlyList<ChannelReader<Frame>> sources)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sources.Count, nameof(sources));
        _sources = [.. sources];
    }

    public override bool TryRead(out Frame item)
    {
        if (!_sources[_next].TryRead(out item!))
        {
            return false;
        }

        _next = _next + 1 == _sources.Length ? 0 : _next + 1;
        return true;
    }

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
        _sources[_next].WaitToReadAsync(cancellationToken);
}
