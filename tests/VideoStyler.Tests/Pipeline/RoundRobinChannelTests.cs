using System.Threading.Channels;
using VideoStyler.Frames;
using VideoStyler.Pipeline;

namespace VideoStyler.Tests.Pipeline;

/// <summary>Frames dealt to several workers in turn come back in their input order, whatever each worker's pace.</summary>
public sealed class RoundRobinChannelTests
{
    [Theory]
    [InlineData(2, 9)]
    [InlineData(3, 10)]
    [InlineData(2, 1)]
    public async Task Frames_come_back_in_order_when_workers_run_at_different_speeds(int workers, int count)
    {
        using var pool = new FramePool(8, 8, (workers * 3) + 4);
        var (writer, reader, tasks) = Start(workers, (worker, frame) => Thread.Sleep(worker == 0 ? 15 : 1));

        var feed = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                var frame = await pool.RentAsync(CancellationToken.None);
                frame.Index = i;
                await writer.WriteAsync(frame);
            }

            writer.TryComplete();
        });

        var seen = new List<long>();
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var frame))
            {
                seen.Add(frame.Index);
                frame.Release();
            }
        }

        await feed;
        await Task.WhenAll(tasks);
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), seen);
    }

    [Fact]
    public async Task A_worker_fault_reaches_the_reader()
    {
        using var pool = new FramePool(8, 8, 10);
        var (writer, reader, tasks) = Start(2, (worker, frame) =>
        {
            if (frame.Index == 3)
            {
                throw new InvalidOperationException("frame 3 failed");
            }
        });

        for (var i = 0; i < 4; i++)
        {
            var frame = await pool.RentAsync(CancellationToken.None);
            frame.Index = i;
            await writer.WriteAsync(frame);
        }

        writer.TryComplete();
        var seen = new List<long>();
        var fault = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var frame))
                {
                    seen.Add(frame.Index);
                    frame.Release();
                }
            }
        });

        Assert.Equal("frame 3 failed", fault.Message);
        Assert.Equal([0L, 1L, 2L], seen);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Task.WhenAll(tasks));
    }

    private static (ChannelWriter<Frame> Writer, ChannelReader<Frame> Reader, Task[] Workers) Start(int workers, Action<int, Frame> work)
    {
        var inputs = Enumerable.Range(0, workers).Select(_ => Channel.CreateBounded<Frame>(1)).ToArray();
        var outputs = Enumerable.Range(0, workers).Select(_ => Channel.CreateBounded<Frame>(1)).ToArray();
        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            try
            {
                await foreach (var frame in inputs[w].Reader.ReadAllAsync())
                {
                    work(w, frame);
                    await outputs[w].Writer.WriteAsync(frame);
                }

                outputs[w].Writer.TryComplete();
            }
            catch (Exception ex)
            {
                outputs[w].Writer.TryComplete(ex);
                throw;
            }
        })).ToArray();
        return (new RoundRobinWriter([.. inputs.Select(c => c.Writer)]), new RoundRobinReader([.. outputs.Select(c => c.Reader)]), tasks);
    }
}
