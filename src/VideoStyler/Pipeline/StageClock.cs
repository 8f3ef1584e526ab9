using System.Diagnostics;

namespace VideoStyler.Pipeline;

/// <summary>Accumulates the time one stage spends per frame. Safe to read from another thread.</summary>
public sealed class StageClock
{
    private long _ticks;
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public double MeanMilliseconds
    {
        get
        {
            var count = Interlocked.Read(ref _count);
            return count == 0 ? 0 : Interlocked.Read(ref _ticks) * 1000.0 / Stopwatch.Frequency / count;
        }
    }

    public double TotalSeconds => Interlocked.Read(ref _ticks) / (double)Stopwatch.Frequency;

    /// <summary>Adds the time elapsed since <paramref name="startTimestamp"/> (a Stopwatch timestamp).</summary>
    public void AddSince(long startTimestamp)
    {
        Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - startTimestamp);
        Interlocked.Increment(ref _count);
    }

    /// <summary>Adds one frame's time in Stopwatch ticks, summed by a stage that works in pieces (tiles).</summary>
    public void AddTicks(long ticks)
    {
        Interlocked.Add(ref _ticks, ticks);
        Interlocked.Increment(ref _count);
    }
}
