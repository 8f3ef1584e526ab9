using System.Threading.Channels;
using OpenCvSharp;
using VideoStyler.Models;
using VideoStyler.Stylize;
using VideoStyler.Tests.Support;
using VideoStyler.Frames;

namespace VideoStyler.Tests.Pipeline;

/// <summary>
/// The frame path allocates nothing in steady state. Measured per thread (GC.GetAllocatedBytesForCurrentThread),
/// so other tests running in parallel cannot disturb it; no timing involved.
/// </summary>
public sealed class ZeroAllocationTests
{
    [Theory]
    [InlineData(320, 240, 240)] // processing size = frame size: pack, run, unpack
    [InlineData(641, 359, 200)] // resize both ways and a pad to the model's multiple
    public void Stylizing_a_frame_allocates_nothing_after_warm_up(int width, int height, int size)
    {
        using var style = StyleSession.Load(StyleLibrary.Embedded(StyleLibrary.DefaultStyleName)!, ExecutionDevice.Cpu);
        using var stylizer = new OnnxStylizer(style, width, height, size, new PipelineStats());
        var frames = TestFrames.Read(TestPaths.SharedData("help.mkv"), 3)
            .Select(f =>
            {
                var sized = new Mat();
                Cv2.Resize(f, sized, new Size(width, height));
                f.Dispose();
                return sized;
            })
            .ToList();
        using var destination = new Mat(height, width, MatType.CV_8UC3);
        foreach (var frame in frames)
        {
            stylizer.Process(frame, destination); // warm-up: JIT, ONNX Runtime arenas, OpenCV proxies
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 6; i++)
        {
            stylizer.Process(frames[i % frames.Count], destination);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(TestFrames.Contrast(destination) > 1, "the stylizer produced a picture");
        frames.ForEach(f => f.Dispose());
    }

    [Fact]
    public void Temporal_blending_with_lookahead_allocates_nothing_after_warm_up()
    {
        // Real frames with real motion (help.mkv), the per-frame "stylization" a cheap stand-in (the
        // blender does not care what made the pictures): flow, confidence, warps and the change rule.
        var inputs = TestFrames.Read(TestPaths.SharedData("help.mkv"), 8);
        var stylized = inputs.Select(TestFrames.Invert).ToList();
        var (width, height) = (inputs[0].Cols, inputs[0].Rows);
        using var blender = new VideoStyler.Temporal.TemporalBlender(width, height, new VideoStyler.Temporal.TemporalOptions());
        using var output = new Mat(height, width, MatType.CV_8UC3);
        long before = 0;
        for (var i = 0; i < inputs.Count - 1; i++)
        {
            if (i == 4)
            {
                before = GC.GetAllocatedBytesForCurrentThread(); // after every path has run once
            }

            blender.Process(inputs[i], stylized[i], inputs[i + 1], stylized[i + 1], output);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"the temporal blender allocated {allocated} bytes over 3 frames");
        inputs.Concat(stylized).ToList().ForEach(m => m.Dispose());
    }

    [Fact]
    public async Task A_stage_thread_waiting_on_channels_allocates_nothing()
    {
        var input = Channel.CreateBounded<int>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var output = Channel.CreateBounded<int>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        const int Items = 300;
        long allocated = -1;
        long sum = 0;
        var failedWaits = 0;
        // A thread of its own (as the stages have), run as a task so that what fails on it fails the test
        // when awaited; it only counts, the asserts are on the test thread.
        var stage = Task.Factory.StartNew(
            () =>
            {
                using var waiter = new BlockingWaiter();
                var seen = 0;
                long before = 0;
                while (waiter.Wait(input.Reader.WaitToReadAsync(CancellationToken.None)))
                {
                    while (input.Reader.TryRead(out var item))
                    {
                        if (++seen == 40)
                        {
                            before = GC.GetAllocatedBytesForCurrentThread(); // after the first waits of both kinds
                        }

                        while (!output.Writer.TryWrite(item))
                        {
                            if (!waiter.Wait(output.Writer.WaitToWriteAsync(CancellationToken.None)))
                            {
                                failedWaits++;
                                break;
                            }
                        }
                    }
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                output.Writer.TryComplete();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        // A stage that failed ends both channels (with its exception), so the test fails instead of waiting.
        _ = stage.ContinueWith(
            t =>
            {
                input.Writer.TryComplete(t.Exception);
                output.Writer.TryComplete(t.Exception);
            },
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);

        // Producer and consumer are slower than the stage now and then, so it waits on both sides.
        var consumer = Task.Run(async () =>
        {
            await foreach (var item in output.Reader.ReadAllAsync())
            {
                sum += item;
                if (item % 7 == 0)
                {
                    await Task.Delay(1);
                }
            }
        });
        for (var i = 1; i <= Items; i++)
        {
            await input.Writer.WriteAsync(i);
            if (i == 2)
            {
                // Make the stage block once before measuring: its wait event creates its lock object then.
                await Task.Delay(30);
            }

            if (i % 5 == 0)
            {
                await Task.Delay(1);
            }
        }

        input.Writer.Complete();
        await stage;
        await consumer;
        Assert.Equal(0, failedWaits);
        Assert.Equal((long)Items * (Items + 1) / 2, sum);
        // Zero in the normal case. One race can allocate once: when the channel completes the operation
        // between the waiter's IsCompleted check and its registration, the runtime queues the
        // continuation as a new work item (~200 bytes). Waiting through AsTask() instead costs more than
        // 100 bytes on every wait, tens of kilobytes over this run.
        Assert.True(allocated < 1024, $"the stage thread allocated {allocated} bytes while waiting");
    }
}
