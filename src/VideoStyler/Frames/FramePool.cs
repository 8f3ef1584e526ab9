using System.Threading.Channels;

namespace VideoStyler.Frames;

/// <summary>
/// A fixed set of <see cref="Frame"/>s. Frames are created lazily up to <see cref="Capacity"/>; after
/// that <see cref="RentAsync"/> waits for one to come back, which is what bounds memory and applies
/// backpressure to the decoder. Capacity = sum of channel capacities + frames held inside stages.
/// </summary>
internal sealed class FramePool : IDisposable
{
    private readonly Channel<Frame> _free;
    private readonly List<Frame> _all = [];
    private readonly Lock _gate = new();
    private readonly int _width;
    private readonly int _height;
    private volatile bool _closed;

    public FramePool(int width, int height, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        _width = width;
        _height = height;
        Capacity = capacity;
        _free = Channel.CreateBounded<Frame>(new BoundedChannelOptions(capacity) { SingleReader = false, SingleWriter = false });
    }

    public int Capacity { get; }

    /// <summary>How many frames have been created so far (never more than <see cref="Capacity"/>).</summary>
    public int Created
    {
        get
        {
            lock (_gate)
            {
                return _all.Count;
            }
        }
    }

    /// <summary>
    /// A free frame, or a wait for one. Pass <see cref="CancellationToken.None"/> on the frame path: the
    /// wait then allocates nothing (the channel reuses one pooled operation), and a hard stop ends it
    /// through <see cref="Close"/> instead (a <see cref="ChannelClosedException"/>).
    /// </summary>
    public ValueTask<Frame> RentAsync(CancellationToken cancellationToken)
    {
        if (_free.Reader.TryRead(out var frame))
        {
            return ValueTask.FromResult(frame);
        }

        lock (_gate)
        {
            if (_all.Count < Capacity)
            {
                frame = new Frame(this, _width, _height);
                _all.Add(frame);
                return ValueTask.FromResult(frame);
            }
        }

        return _free.Reader.ReadAsync(cancellationToken);
    }

    /// <summary>
    /// Ends every wait in <see cref="RentAsync"/> (the run is being torn down); frames given back
    /// afterwards are simply kept until <see cref="Dispose"/>.
    /// </summary>
    public void Close()
    {
        _closed = true;
        _free.Writer.TryComplete(new OperationCanceledException("the frame pool was closed"));
    }

    internal void Return(Frame frame)
    {
        if (!_free.Writer.TryWrite(frame) && !_closed)
        {
            throw new InvalidOperationException("A frame was returned to its pool twice.");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var frame in _all)
            {
                frame.Dispose();
            }

            _all.Clear();
        }
    }
}
