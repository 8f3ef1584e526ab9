using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Threading.Channels;
using VideoStyler.Frames;
using VideoStyler.Media;
using VideoStyler.Pipeline;
using VideoStyler.Styles;
using VideoStyler.Stylize;
using VideoStyler.Temporal;

namespace VideoStyler.ScaleOut;

/// <summary>
/// Stylizes one segment of a job, the way a whole-file run stylizes those frames: the decoder seeks to
/// the segment's warm-up start, the warm-up frames go through the model and the temporal stage (so its
/// state at the segment's first frame is what the whole run's would be) but are not encoded, the frame
/// after the segment is decoded as the last frame's lookahead, and the segment's frames are encoded
/// with the output's encoder settings into segments/NNN.mkv under a temporary name, then renamed.
/// A finished segment is not done again.
/// </summary>
internal static class SegmentRunner
{
    /// <summary>Runs segment <paramref name="index"/>; returns its stats and whether it was already finished.</summary>
    public static async Task<(SegmentStats Stats, bool AlreadyDone)> RunAsync(
        JobFolder job, int index, Action<long>? onProgress, CancellationToken stop)
    {
        var spec = job.Spec;
        if (index < 0 || index >= spec.Segments.Count)
        {
            throw new UserFacingException($"segment {index} does not exist: the job has segments 0 to {spec.Segments.Count - 1}");
        }

        if (job.Finished(index) is { } done)
        {
            return (done, true);
        }

        job.VerifyWorker();
        try
        {
            var stats = await RunSegmentAsync(job, spec.Segments[index], onProgress, stop);
            TryDelete(job.ErrorFile(index));
            return (stats, false);
        }
        catch (Exception ex) when (ex is UserFacingException or OperationCanceledException)
        {
            var message = ex is OperationCanceledException ? "interrupted" : Entry(ex.Message);
            try
            {
                JobFolder.WriteAtomically(job.ErrorFile(index), $"{DateTime.UtcNow:O} {Environment.MachineName}: {message}\n");
            }
            catch (IOException)
            {
                // The report is a courtesy; the exit code and stderr carry the failure anyway.
            }

            throw;
        }
    }

    private static async Task<SegmentStats> RunSegmentAsync(JobFolder job, SegmentSpec segment, Action<long>? onProgress, CancellationToken stop)
    {
        var spec = job.Spec;
        var settings = spec.Settings;
        var info = await VideoProbe.ProbeAsync(spec.InputPath, CancellationToken.None);
        var profile = ContainerProfile.ForPath(spec.OutputPath);
        Directory.CreateDirectory(job.SegmentsFolder);
        var final = job.SegmentFile(segment.Index);
        var temporary = Path.Combine(job.SegmentsFolder, $".{segment.Index:000}.{Environment.ProcessId}.tmp{spec.SegmentExtension}");
        var stats = new PipelineStats();
        var options = settings.ToOptions(spec.InputPath, spec.OutputPath);
        var clock = Stopwatch.StartNew();
        try
        {
            using var style = StylizerFactory.Create(
                options.Library, options.Style, options.Controls, info.Width, info.Height, options.ProcessingSize, options.Device, options.Threads, stats, options.MaxTile,
                videoNetwork: options.RunsVideoNetwork);
            const int capacity = 4;
            using var pool = new FramePool(info.Width, info.Height, (2 * capacity) + 5);
            var decoded = Channel.CreateBounded<Frame>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
            var finished = Channel.CreateBounded<Frame>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
            using var temporal = options.TemporalStrength > 0
                ? new TemporalStage(new TemporalBlender(info.Width, info.Height, new TemporalOptions { Strength = options.TemporalStrength }), stats)
                : null;
            using var abort = new CancellationTokenSource();
            using var closeOnAbort = abort.Token.Register(() =>
            {
                var stopped = new OperationCanceledException("the run was stopped");
                pool.Close();
                decoded.Writer.TryComplete(stopped);
                finished.Writer.TryComplete(stopped);
            });
            using var stopToAbort = stop.Register(abort.Cancel);

            var toDecode = segment.WarmupFrames + segment.FrameCount + (segment.Lookahead ? 1 : 0);
            // Half a millisecond early: the planned times are rounded to milliseconds.
            double? seek = segment.WarmupFirstFrame == 0 ? null : Math.Max(0, segment.WarmupStartMs - 0.5) / 1000.0;
            var decoder = new FfmpegDecoder(info, pool, stats, toDecode, seek);
            var encoded = new SegmentFrames();
            var decodeTask = StageTasks.Guard(() => decoder.RunAsync(decoded.Writer, CancellationToken.None, abort.Token), null, abort);
            var workTask = StageTasks.Guard(
                () => Task.Factory.StartNew(
                    () => Work(decoded.Reader, finished.Writer, style, temporal, segment, encoded),
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default),
                finished.Writer,
                abort);
            var encodeTask = StageTasks.Guard(() => EncodeAsync(finished.Reader, info, temporary, profile, stats, onProgress, abort.Token), null, abort);
            try
            {
                await StageTasks.WhenAllReportingFirstFault(decodeTask, workTask, encodeTask);
            }
            catch (Exception ex) when (stop.IsCancellationRequested && ex is not OperationCanceledException)
            {
                // Whatever a stage said while it was being stopped: the segment was interrupted.
                throw new OperationCanceledException("interrupted", ex, stop);
            }

            stop.ThrowIfCancellationRequested();
            clock.Stop();

            if (stats.FramesOut != segment.FrameCount)
            {
                throw new UserFacingException(
                    $"segment {segment.Index} came out with {stats.FramesOut} frames where the plan has {segment.FrameCount} (frames {segment.FirstFrame}..{segment.FirstFrame + segment.FrameCount - 1}); was the input changed or damaged?", 3);
            }

            File.Move(temporary, final, overwrite: true);
            var result = new SegmentStats
            {
                Index = segment.Index,
                FramesOut = stats.FramesOut,
                WarmupFrames = encoded.Warmup,
                FramesDecoded = stats.FramesIn,
                FirstPtsMs = encoded.FirstMs,
                LastPtsMs = encoded.LastMs,
                WallSeconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
                ModelMsMean = Math.Round(stats.Model.MeanMilliseconds, 3),
                ExecutionProvider = style.ExecutionProvider,
                Style = style.Name,
                Host = Environment.MachineName,
                ToolVersion = StylizeRunner.ToolVersion,
                Attempt = int.TryParse(Environment.GetEnvironmentVariable("SLURM_RESTART_COUNT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var restarts) ? restarts + 1 : 1,
            };
            JobFolder.WriteAtomically(job.StatsFile(segment.Index), JsonSerializer.Serialize(result, VideoStylerJson.Default.SegmentStats) + "\n");
            return result;
        }
        catch (UserFacingException ex)
        {
            throw new UserFacingException($"segment {segment.Index}: {ex.Message}", ex.ExitCode, ex) { Details = ex.Details };
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    /// <summary>
    /// Stylize and temporal stage on one thread: every decoded frame goes through both (the warm-up
    /// builds the temporal state, the lookahead frame serves the last one), only the segment's own
    /// frames go on to the encoder.
    /// </summary>
    private static void Work(
        ChannelReader<Frame> input, ChannelWriter<Frame> output, FrameStylizer style, TemporalStage? temporal, SegmentSpec segment, SegmentFrames encoded)
    {
        using var waiter = new BlockingWaiter();
        while (waiter.Wait(input.WaitToReadAsync(CancellationToken.None)))
        {
            while (input.TryRead(out var frame))
            {
                try
                {
                    style.Process(frame.SourceMat, frame.OutputMat);
                }
                catch
                {
                    frame.Release();
                    throw;
                }

                var ready = temporal is null ? frame : temporal.Push(frame);
                if (ready is not null)
                {
                    Emit(ready, output, style, segment, encoded, waiter);
                }
            }
        }

        if (temporal?.Flush() is { } last)
        {
            Emit(last, output, style, segment, encoded, waiter);
        }

        output.TryComplete();
    }

    private static void Emit(Frame frame, ChannelWriter<Frame> output, FrameStylizer style, SegmentSpec segment, SegmentFrames encoded, BlockingWaiter waiter)
    {
        var ms = frame.PresentationMs;
        if ((segment.FromMs is { } from && ms < from) || (segment.ToMs is { } to && ms >= to))
        {
            encoded.Warmup += segment.FromMs is { } f && ms < f ? 1 : 0;
            frame.Release();
            return;
        }

        try
        {
            style.ApplyControls(frame.SourceMat, frame.OutputMat);
            if (encoded.Count == 0)
            {
                encoded.FirstMs = ms;
            }

            encoded.LastMs = ms;
            encoded.Count++;
            while (!output.TryWrite(frame))
            {
                if (!waiter.Wait(output.WaitToWriteAsync(CancellationToken.None)))
                {
                    throw new ChannelClosedException();
                }
            }
        }
        catch
        {
            frame.Release();
            throw;
        }
    }

    private static async Task EncodeAsync(
        ChannelReader<Frame> frames, VideoInfo info, string path, ContainerProfile profile, PipelineStats stats, Action<long>? onProgress, CancellationToken abort)
    {
        var stderr = new FfmpegStderr();
        var writer = new FrameStreamWriter(frames, info.Width, info.Height, info.FrameRate, stats, onProgress);
        try
        {
            using var run = FfmpegLauncher.Start(
                "ffmpeg", SegmentEncoderArguments.Build(info, path, profile), redirectInput: true, redirectOutput: false, stderr);
            var writeFault = await writer.FeedAsync(run, abort);

            abort.ThrowIfCancellationRequested();
            if (writeFault is UserFacingException)
            {
                // Not ffmpeg's: an earlier stage's error, said as it was.
                ExceptionDispatchInfo.Throw(writeFault);
            }

            if (writeFault is not null)
            {
                throw new UserFacingException($"ffmpeg could not encode the segment: {stderr.Summary ?? writeFault.Message}", inner: writeFault) { Details = stderr.Text };
            }

            if (run.ExitCode != 0 || stderr.OutputFull is not null || stderr.FinishFailed is not null)
            {
                throw new UserFacingException(
                    $"ffmpeg could not encode the segment: {stderr.OutputFull ?? stderr.FinishFailed ?? stderr.Summary ?? $"exit code {run.ExitCode}"}")
                {
                    Details = stderr.Text,
                };
            }
        }
        finally
        {
            while (frames.TryRead(out var frame))
            {
                frame.Release();
            }
        }
    }

    private static string Entry(string message) => message.Replace('\n', ' ');

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next attempt, which writes its own temporary file.
        }
    }
}
