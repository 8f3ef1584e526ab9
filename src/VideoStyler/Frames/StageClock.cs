using System.Diagnostics;

namespace VideoStyler.Frames;

/// <summary>
/// Accumulates the time one stage spends per frame and, for work measured with <see cref="Start"/>, the
/// managed bytes it allocates per frame once past its warm-up (the first frames fill caches and pools).
/// Safe to read from another thread.
/// </summary>
internal sealed class StageClock
{
    /// <summary>Frames a stage may spend setting up (the frame pool holds up to 16 buffers by default).</summary>
    public const int WarmUpFrames = 16;

    private long _ticks;
    private long _count;
    private long _allocated;
    private long _allocationSamples;

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

    /// <summary>Managed bytes allocated per frame after the warm-up, by work measured with <see cref="Start"/>; null before any such frame.</summary>
    public double? SteadyAllocatedBytesPerFrame
    {
        get
        {
            var samples = Interlocked.Read(ref _allocationSamples);
            return samples == 0 ? null : Interlocked.Read(ref _allocated) / (double)samples;
        }
    }

    /// <summary>Marks the start of one frame's work on this thread.</summary>
    public static StageMark Start() => new(Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());

    /// <summary>Adds the time and the managed allocations since <paramref name="mark"/>, taken on this thread.</summary>
    public void AddSince(StageMark mark)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread() - mark.ThreadAllocatedBytes;
        AddSince(mark.Timestamp);
        if (Interlocked.Read(ref _count) > WarmUpFrames)
        {
            Interlocked.Add(ref _allocated, allocated);
            Interlocked.Increment(ref _allocationSamples);
        }
    }

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
