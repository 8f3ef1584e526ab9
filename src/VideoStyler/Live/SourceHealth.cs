using System.Diagnostics;

namespace VideoStyler.Live;

/// <summary>
/// Whether the live source is delivering, written by the capture stage and read by the output loop
/// (placeholder text) and the control server. A loss lasts from the moment the capture gives the
/// source up (ffmpeg ended, or no frame within the stall timeout) to the first frame of a new connection.
/// </summary>
internal sealed class SourceHealth
{
    private long _lostSince;
    private int _attempts;

    /// <summary>True from a loss to the next frame.</summary>
    public bool IsLost => Interlocked.Read(ref _lostSince) != 0;

    /// <summary>Reconnect attempts made in the current loss (0 when the source is live).</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>How long the current loss has lasted (zero when the source is live).</summary>
    public TimeSpan LostFor
    {
        get
        {
            var since = Interlocked.Read(ref _lostSince);
            return since == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(since);
        }
    }

    internal void MarkLost()
    {
        Volatile.Write(ref _attempts, 0);
        Interlocked.Exchange(ref _lostSince, Stopwatch.GetTimestamp());
    }

    internal void CountAttempt() => Interlocked.Increment(ref _attempts);

    internal void MarkLive()
    {
        Interlocked.Exchange(ref _lostSince, 0);
        Volatile.Write(ref _attempts, 0);
    }
}
