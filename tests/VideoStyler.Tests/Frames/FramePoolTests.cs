using VideoStyler.Frames;

namespace VideoStyler.Tests.Frames;

/// <summary>Frame ownership: a second release is always caught, and only the pool frees a frame.</summary>
public class FramePoolTests
{
    [Fact]
    public async Task A_second_release_throws_even_when_the_pool_is_far_from_full()
    {
        using var pool = new FramePool(16, 16, capacity: 4);
        var frame = await pool.RentAsync(CancellationToken.None);
        frame.Release();

        var error = Assert.Throws<InvalidOperationException>(frame.Release);
        Assert.Contains("released twice", error.Message, StringComparison.Ordinal);

        // The frame went back once: the next rent gets it, the one after that a new frame, not it again.
        var first = await pool.RentAsync(CancellationToken.None);
        var second = await pool.RentAsync(CancellationToken.None);
        Assert.Same(frame, first);
        Assert.NotSame(frame, second);
        Assert.Equal(2, pool.Created);
        first.Release();
        second.Release();
    }

    [Fact]
    public async Task A_frame_rented_again_after_a_wait_can_be_released_again()
    {
        using var pool = new FramePool(16, 16, capacity: 1);
        var frame = await pool.RentAsync(CancellationToken.None);
        var waiting = pool.RentAsync(CancellationToken.None);
        var rentAgain = Task.Run(async () => await waiting);
        Assert.False(rentAgain.IsCompleted);

        frame.Release();
        var again = await rentAgain.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Same(frame, again);
        again.Release();
        Assert.Throws<InvalidOperationException>(again.Release);
    }

    [Fact]
    public async Task Frames_have_no_dispose_of_their_own_and_the_pool_frees_them()
    {
        Assert.False(typeof(IDisposable).IsAssignableFrom(typeof(Frame)));
        Assert.Null(typeof(Frame).GetMethod("Dispose"));

        var pool = new FramePool(16, 16, capacity: 2);
        var frame = await pool.RentAsync(CancellationToken.None);
        frame.Release();
        Assert.False(frame.SourceMat.IsDisposed);

        pool.Dispose();

        Assert.True(frame.SourceMat.IsDisposed);
        Assert.True(frame.OutputMat.IsDisposed);
    }
}
