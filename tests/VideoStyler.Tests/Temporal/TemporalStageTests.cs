using VideoStyler.Pipeline;
using OpenCvSharp;
using VideoStyler.Temporal;
using VideoStyler.Frames;

namespace VideoStyler.Tests.Temporal;

public sealed class TemporalStageTests : IDisposable
{
    private const int Width = 160;
    private const int Height = 120;
    private const int Count = 5;
    private readonly FrameKeeper _frames = new();

    public void Dispose() => _frames.Dispose();

    [Fact]
    public async Task FramesLeaveInOrderOneLate_FinishedWithTheNextFrameAsLookahead()
    {
        var scene = _frames.Keep(TestClips.Texture(Width + 20, Height, seed: 11));
        var input = _frames.Keep(Enumerable.Range(0, Count).Select(t => TestClips.Crop(scene, 16 - 3 * t, 0, Width, Height)));
        var stylized = _frames.Keep(input.Select((frame, t) => Noisy(frame, seed: 110 + t)));
        var expected = _frames.Keep(TemporalBlenderTests.BlendWithLookahead(input, stylized, new TemporalOptions(), out _));
        using var pool = new FramePool(Width, Height, Count);
        var stats = new PipelineStats();
        var finished = new List<Frame>();

        using (var stage = new TemporalStage(new TemporalBlender(Width, Height, new TemporalOptions()), stats))
        {
            for (var t = 0; t < Count; t++)
            {
                var frame = await pool.RentAsync(CancellationToken.None);
                frame.Index = t;
                input[t].CopyTo(frame.SourceMat);
                stylized[t].CopyTo(frame.OutputMat);
                var ready = stage.Push(frame);
                Assert.Equal(t == 0, ready is null);
                if (ready is not null)
                {
                    finished.Add(ready);
                }
            }

            finished.Add(stage.Flush()!);
            Assert.Null(stage.Flush());
        }

        Assert.Equal(Enumerable.Range(0, Count).Select(t => (long)t), finished.Select(f => f.Index));
        for (var t = 0; t < Count; t++)
        {
            Assert.Equal(0, TestClips.MeanAbsoluteDifference(finished[t].OutputMat, expected[t]));
        }

        Assert.Equal(Count, stats.Temporal.Count);
        finished.ForEach(f => f.Release());
    }

    [Fact]
    public async Task Dispose_ReleasesTheHeldFrame()
    {
        using var pool = new FramePool(Width, Height, 1);
        var frame = await pool.RentAsync(CancellationToken.None);
        var stage = new TemporalStage(new TemporalBlender(Width, Height, new TemporalOptions()), new PipelineStats());
        Assert.Null(stage.Push(frame));

        stage.Dispose();

        // The pool holds one frame: it can only be rented again if the stage gave it back.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var again = await pool.RentAsync(timeout.Token);
        Assert.Same(frame, again);
        again.Release();
    }

    private static Mat Noisy(Mat frame, int seed)
    {
        using var noise = new Mat(frame.Size(), MatType.CV_8UC3);
        new Random(seed).NextBytes(noise.AsSpan<byte>());
        var result = new Mat();
        Cv2.AddWeighted(frame, 0.8, noise, 0.2, 0, result);
        return result;
    }
}
