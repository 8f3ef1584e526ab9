namespace VideoStyler.Frames;

/// <summary>
/// Where a stage's work on one frame began: a Stopwatch timestamp and the managed bytes the thread had
/// allocated so far. The work between <see cref="StageClock.Start"/> and <see cref="StageClock.AddSince(StageMark)"/>
/// must stay on one thread (synchronous code), which is what makes the allocation figure exact.
/// </summary>
internal readonly record struct StageMark(long Timestamp, long ThreadAllocatedBytes);
