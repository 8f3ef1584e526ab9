using System.Diagnostics;
using OpenCvSharp;

namespace VideoStyler.Live;

/// <summary>
/// The latest output frame as JPEG for the HTTP preview. Frames are encoded only while someone
/// watches, and at most <c>maxFps</c> times a second, so an idle preview costs nothing.
/// </summary>
internal sealed class MjpegBroadcaster
{
    private static readonly int[] JpegParams = [(int)ImwriteFlags.JpegQuality, 75];
    private readonly long _interval;
    private readonly Lock _gate = new();
    private TaskCompletionSource<byte[]> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _watchers;
    private long _lastAt;

    public MjpegBroadcaster(double maxFps = 15)
    {
        _interval = (long)(Stopwatch.Frequency / maxFps);
    }

    public int Watchers => Volatile.Read(ref _watchers);

    /// <summary>Called by the output loop with every output frame.</summary>
    public void Offer(Mat frame)
    {
        if (Volatile.Read(ref _watchers) == 0)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (now - _lastAt < _interval)
        {
            return;
        }

        _lastAt = now;
        Cv2.ImEncode(".jpg", frame, out var jpeg, JpegParams);
        TaskCompletionSource<byte[]> done;
        lock (_gate)
        {
            done = _next;
            _next = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.TrySetResult(jpeg);
    }

    /// <summary>Registers a watcher; dispose the result to leave.</summary>
    public IDisposable Watch()
    {
        Interlocked.Increment(ref _watchers);
        return new Leave(this);
    }

    /// <summary>The next JPEG the output loop encodes.</summary>
    public Task<byte[]> NextAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _next.Task.WaitAsync(cancellationToken);
        }
    }

    private sealed class Leave(MjpegBroadcaster owner) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                Interlocked.Decrement(ref owner._watchers);
            }
        }
    }
}
