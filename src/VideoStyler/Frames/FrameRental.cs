using System.Runtime.CompilerServices;

namespace VideoStyler.Frames;

/// <summary>
/// What <see cref="FramePool.RentAsync"/> returns: awaiting it gives the frame and marks it as handed out,
/// which is what lets the pool tell a frame's second release from its first. A wrapper around the
/// channel's <see cref="ValueTask{TResult}"/>, so a wait still allocates nothing.
/// </summary>
internal readonly struct FrameRental
{
    private readonly ValueTask<Frame> _pending;

    internal FrameRental(ValueTask<Frame> pending) => _pending = pending;

    public Awaiter GetAwaiter() => new(_pending.GetAwaiter());

    /// <summary>Awaits the frame; its result is the frame, marked as rented.</summary>
    public readonly struct Awaiter : ICriticalNotifyCompletion
    {
        private readonly ValueTaskAwaiter<Frame> _inner;

        internal Awaiter(ValueTaskAwaiter<Frame> inner) => _inner = inner;

        public bool IsCompleted => _inner.IsCompleted;

        public Frame GetResult()
        {
            var frame = _inner.GetResult();
            frame.MarkRented();
            return frame;
        }

        public void OnCompleted(Action continuation) => _inner.OnCompleted(continuation);

        public void UnsafeOnCompleted(Action continuation) => _inner.UnsafeOnCompleted(continuation);
    }
}
