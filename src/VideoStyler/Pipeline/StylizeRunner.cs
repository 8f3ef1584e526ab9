using System.Diagnostics;
using System.Reflection;
using System.Threading.Channels;
using VideoStyler.Frames;
using VideoStyler.Media;
using VideoStyler.Styles;
using VideoStyler.Stylize;
using VideoStyler.Temporal;

namespace VideoStyler.Pipeline;

/// <summary>
/// Batch stylization of one file: decode -> stylize -> encode, one task per stage, bounded channels
/// between them (backpressure, nothing dropped), frames from a fixed pool. A stage that fails completes
/// its output channel with the exception and cancels the others; all stage tasks are awaited together
/// so no fault is lost. A graceful stop (Ctrl-C) ends decoding and lets the frames in flight drain
/// into a finalized, playable output.
/// </summary>
public static class StylizeRunner
{
    /// <summary>The tool's version (the assembly's informational version without the source revision).</summary>
    public static string ToolVersion =>
        typeof(StylizeRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>The name of the thread that runs pre-processing, the model call and post-processing (bench's CPU table).</summary>
    public const string StylizeThreadName = "vs-stylize";

    /// <summary>The name of the thread that runs the temporal stage and the controls.</summary>
    public const string FinishThreadName = "vs-finish";

    /// <summary>Stylizes <see cref="StylizeOptions.InputPath"/> into <see cref="StylizeOptions.OutputPath"/>.</summary>
    /// <param name="options">What to do.</param>
    /// <param name="onProgress">Called with the number of frames written so far.</param>
    /// <param name="stop">Graceful stop: finish what is in flight and finalize the output.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="UserFacingException">Bad input or output (its <see cref="UserFacingException.ExitCode"/> is one of <see cref="ExitCodes"/>).</exception>
    public static Task<StylizeResult> RunAsync(StylizeOptions options, Action<long>? onProgress, CancellationToken stop) =>
        RunAsync(options, null, onProgress, stop);

    /// <param name="options">What to do.</param>
    /// <param name="onStarted">Called once the input is probed and the model loaded (total frames estimate, provider).</param>
    /// <param name="onProgress">Called with the number of frames written so far.</param>
    /// <param name="stop">Graceful stop: finish what is in flight and finalize the output.</param>
    internal static async Task<StylizeResult> RunAsync(
        StylizeOptions options,
        Action<VideoInfo, FrameStylizer>? onStarted,
        Action<long>? onProgress,
        CancellationToken stop)
    {
        var profile = ContainerProfile.ForPath(options.OutputPath);
        var info = await VideoProbe.ProbeAsync(options.InputPath, CancellationToken.None);
        using var output = OutputFile.Prepare(options.InputPath, options.OutputPath, options.Force);
        var succeeded = false;
        FfmpegEncoder? encoder = null;
        try
        {
            // Resolved after the input and output checks, so those errors come first.
            var stats = new PipelineStats();
            using var workers = CreateWorkers(options, info, stats);
            var style = workers.Primary;
            onStarted?.Invoke(info, style);

            var capacity = Math.Max(1, options.ChannelCapacity);
            var k = workers.Count;
            // With several frames in flight each worker has an input and an output channel of its own.
            var perWorker = k == 1 ? capacity : Math.Max(1, capacity / k);
            // Every frame is in a channel or held by one stage (decoder, each stylizer, encoder, and the finisher,
            // which holds two: the temporal stage keeps one frame as the next one's lookahead).
            using var pool = new FramePool(info.Width, info.Height, (k * ((2 * perWorker) + 1)) + capacity + 4);
            var inputs = Enumerable.Range(0, k).Select(_ => Channel.CreateBounded<Frame>(new BoundedChannelOptions(perWorker) { SingleReader = true, SingleWriter = true })).ToArray();
            var outputs = Enumerable.Range(0, k).Select(_ => Channel.CreateBounded<Frame>(new BoundedChannelOptions(perWorker) { SingleReader = true, SingleWriter = true })).ToArray();
            ChannelWriter<Frame> decodedWriter = k == 1 ? inputs[0].Writer : new RoundRobinWriter([.. inputs.Select(c => c.Writer)]);
            ChannelReader<Frame> stylizedReader = k == 1 ? outputs[0].Reader : new RoundRobinReader([.. outputs.Select(c => c.Reader)]);
            var finished = Channel.CreateBounded<Frame>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
            // The pixel stage: asked for, or the only one left when the statistics could not be smoothed.
            var pixelStage = options.TemporalStrength > 0 && options.TemporalMode switch
            {
                TemporalMode.Stats => style.Primary is not SmoothedNormStylizer,
                TemporalMode.Features or TemporalMode.Auto or TemporalMode.StatsAndFeatures => style.Primary is not FeatureFlowStylizer,
                _ => true,
            };
            using var temporal = pixelStage
                ? new TemporalStage(new TemporalBlender(info.Width, info.Height, new TemporalOptions { Strength = options.TemporalStrength }), stats)
                : null;
            using var abort = new CancellationTokenSource();
            // The frame path waits on channels and on the pool without cancellation tokens (so waiting
            // allocates nothing, see BlockingWaiter); a hard stop reaches those waits by closing them.
            using var closeOnAbort = abort.Token.Register(() =>
            {
                var stopped = new OperationCanceledException("the run was stopped");
                pool.Close();
                workers.Abort();
                foreach (var channel in inputs.Concat(outputs))
                {
                    channel.Writer.TryComplete(stopped);
                }

                finished.Writer.TryComplete(stopped);
            });

            var clock = Stopwatch.StartNew();
            var marking = $"AI-stylized by VideoStyler {ToolVersion}; style: {style.Name}";
            var decoder = new FfmpegDecoder(info, pool, stats, options.MaxFrames);
            encoder = new FfmpegEncoder(info, output.TemporaryPath, output.FinalPath, profile, marking, stats, cutAudioToVideo: options.MaxFrames > 0);

            var decodeTask = StageTasks.Guard(() => decoder.RunAsync(decodedWriter, stop, abort.Token), null, abort);
            var stylizeTasks = Enumerable.Range(0, k).Select(i => StageTasks.Guard(
                () => Task.Factory.StartNew(
                    () =>
                    {
                        Thread.CurrentThread.Name = StylizeThreadName;
                        FrameLoop(inputs[i].Reader, outputs[i].Writer, frame => StylizeFrame(workers, i, frame));
                    },
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default),
                outputs[i].Writer,
                abort)).ToArray();
            var finishTask = StageTasks.Guard(
                () => Task.Factory.StartNew(
                    () =>
                    {
                        Thread.CurrentThread.Name = FinishThreadName;
                        FinishLoop(stylizedReader, finished.Writer, style, temporal);
                    },
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default),
                finished.Writer,
                abort);
            var encodeTask = StageTasks.Guard(() => encoder.RunAsync(finished.Reader, onProgress, stop, abort.Token), null, abort);

            await StageTasks.WhenAllReportingFirstFault([decodeTask, .. stylizeTasks, finishTask, encodeTask]);
            clock.Stop();

            if (stats.FramesOut == 0)
            {
                throw new UserFacingException(stop.IsCancellationRequested
                    ? "interrupted before the first frame was written; no output"
                    : $"no frames could be decoded from {options.InputPath}");
            }

            // In folder mode a clip cut short by Ctrl-C must not look done: it is kept as NAME.partial.EXT.
            var interruptedPartial = stop.IsCancellationRequested && options.InterruptedIsPartial;
            var written = interruptedPartial ? output.CommitAsPartial() : output.FinalPath;
            if (!interruptedPartial)
            {
                output.Commit();
            }

            succeeded = true;
            // The count is an estimate (duration x rate) for some containers: allow a little slack.
            long? missing = info.FrameCountEstimate is { } expected && options.MaxFrames == 0 && !stop.IsCancellationRequested
                && expected - stats.FramesIn > Math.Max(2, expected / 100)
                ? expected - stats.FramesIn
                : null;
            return new StylizeResult
            {
                OutputPath = written,
                FramesIn = stats.FramesIn,
                FramesOut = stats.FramesOut,
                WallSeconds = clock.Elapsed.TotalSeconds,
                ExecutionProvider = style.ExecutionProvider,
                ProviderNotice = style.Notice,
                Style = style.Name,
                Network = style.NetworkName,
                Interrupted = stop.IsCancellationRequested,
                Stats = stats,
                FramesMissing = missing,
                Notices = [.. style.Notices, .. (workers.Notice is { } notice ? [notice] : Array.Empty<string>()), .. SubtitlePlan.For(info, profile).Notices],
                FramesInFlight = k,
                ThreadsEach = workers.ThreadsEach,
            };
        }
        catch (UserFacingException ex) when (!succeeded && encoder is { OutputFull: true })
        {
            // A file cut off by a full disk is no use, and keeping it would keep the disk full.
            var removed = output.Discard()
                ? "the unfinished file was removed"
                : $"the unfinished file {output.TemporaryPath} could not be removed";
            var existing = output.Replaces ? $", the existing {options.OutputPath} is untouched" : "";
            throw new UserFacingException(
                $"{ex.Message}; nothing was written under that name ({removed}{existing}); {encoder.OutputFullAdvice}",
                ex.ExitCode,
                ex)
            {
                Details = ex.Details,
            };
        }
        catch (UserFacingException ex) when (!succeeded)
        {
            var partial = output.Abandon();
            if (partial is null)
            {
                throw;
            }

            throw new UserFacingException($"{ex.Message} (what was written is kept as {partial})", ex.ExitCode, ex) { Details = ex.Details };
        }
        finally
        {
            if (!succeeded && File.Exists(output.TemporaryPath))
            {
                output.Abandon();
            }
        }
    }

    private static StylizeWorkers CreateWorkers(StylizeOptions options, VideoInfo info, PipelineStats stats)
    {
        var smoothStatistics = options.TemporalStrength > 0 && options.TemporalMode is TemporalMode.Stats or TemporalMode.StatsAndPixel or TemporalMode.StatsAndFeatures;
        var carryFeatures = options.TemporalStrength > 0 && options.TemporalMode is TemporalMode.Features or TemporalMode.Auto or TemporalMode.StatsAndFeatures;
        return StylizeWorkers.Create(
            (threads, lanes) => StylizerFactory.Create(
                options.Library, options.Style, options.Controls, info.Width, info.Height, options.ProcessingSize, options.Device, threads, stats, options.MaxTile, options.Arbitrary,
                smoothStatistics, carryFeatures,
                quietFallback: options.TemporalMode == TemporalMode.Auto,
                featureKeep: FeatureFlowStylizer.KeepFor(options.TemporalStrength),
                lanes: lanes,
                videoNetwork: options.RunsVideoNetwork),
            options.FramesInFlight,
            options.Threads,
            mayRunInParallel: !smoothStatistics);
    }

    private static void StylizeFrame(StylizeWorkers workers, int worker, Frame frame)
    {
        if (frame.Index is 0 or 3)
        {
            // By then both ffmpeg processes run (the encoder may start just after frame 0).
            HelperProcessPriority.LowerChildren();
        }

        workers.Process(worker, frame.SourceMat, frame.OutputMat, frame.Index);
    }

    /// <summary>
    /// The stage after stylize: temporal consistency (it needs the frames in order, so it is a stage of
    /// its own that overlaps with the next frame's inference; it holds each frame until the next one has
    /// arrived, its lookahead), then the user's controls, which act on the final picture.
    /// </summary>
    private static void FinishLoop(ChannelReader<Frame> input, ChannelWriter<Frame> output, FrameStylizer stylizer, TemporalStage? temporal)
    {
        using var waiter = new BlockingWaiter();
        while (waiter.Wait(input.WaitToReadAsync(CancellationToken.None)))
        {
            while (input.TryRead(out var frame))
            {
                // The temporal stage owns the frame from here on and returns the one before it, if any.
                var ready = temporal is null ? frame : temporal.Push(frame);
                if (ready is not null)
                {
                    FinishFrame(stylizer, ready, output, waiter);
                }
            }
        }

        if (temporal?.Flush() is { } last)
        {
            FinishFrame(stylizer, last, output, waiter);
        }

        output.TryComplete();
    }

    /// <summary>Applies the controls and passes the frame on; releases it if either fails.</summary>
    private static void FinishFrame(FrameStylizer stylizer, Frame frame, ChannelWriter<Frame> output, BlockingWaiter waiter)
    {
        try
        {
            stylizer.ApplyControls(frame.SourceMat, frame.OutputMat);
            PassOn(frame, output, waiter);
        }
        catch
        {
            frame.Release();
            throw;
        }
    }

    /// <summary>Writes the frame downstream, waiting for room without allocating (a hard stop completes the channel).</summary>
    private static void PassOn(Frame frame, ChannelWriter<Frame> output, BlockingWaiter waiter)
    {
        while (!output.TryWrite(frame))
        {
            if (!waiter.Wait(output.WaitToWriteAsync(CancellationToken.None)))
            {
                throw new ChannelClosedException();
            }
        }
    }

    /// <summary>
    /// A synchronous stage on its own thread (inference and flow block for milliseconds to seconds per
    /// frame): takes frames in order, works on each, passes it on. A frame it cannot pass on is released.
    /// Waiting for input or for room downstream allocates nothing; a hard stop completes the channels.
    /// </summary>
    private static void FrameLoop(ChannelReader<Frame> input, ChannelWriter<Frame> output, Action<Frame> work)
    {
        using var waiter = new BlockingWaiter();
        while (waiter.Wait(input.WaitToReadAsync(CancellationToken.None)))
        {
            while (input.TryRead(out var frame))
            {
                try
                {
                    work(frame);
                    PassOn(frame, output, waiter);
                }
                catch
                {
                    frame.Release();
                    throw;
                }
            }
        }

        output.TryComplete();
    }
}
