using System.Diagnostics;
using System.Threading.Channels;
using VideoStyler.Pipeline;
using VideoStyler.Sources;

namespace VideoStyler.Live;

/// <summary>
/// The capture stage: ffmpeg delivers the source as raw BGR24 on stdout; each frame is read into a
/// pooled <see cref="Frame"/>, stamped with its capture time and written to a channel that drops its
/// oldest frame when full (the channel's drop callback returns that frame to the pool). A camera never
/// waits for us.
/// </summary>
public sealed class LiveCapture
{
    private readonly LiveSource _source;
    private readonly FramePool _pool;
    private readonly LiveStats _stats;

    public LiveCapture(LiveSource source, FramePool pool, LiveStats stats)
    {
        _source = source;
        _pool = pool;
        _stats = stats;
    }

    /// <summary>Reads frames until the source ends or <paramref name="stop"/>; completes <paramref name="output"/> either way.</summary>
    public async Task RunAsync(ChannelWriter<Frame> output, CancellationToken stop)
    {
        var stderr = new FfmpegStderr();
        Exception? fault = null;
        try
        {
            using var process = FfmpegProcess.Start(CaptureArguments.Build(_source), redirectInput: false, redirectOutput: true, stderr);
            try
            {
                await ReadFramesAsync(process.StandardOutput.BaseStream, output, stop);
            }
            finally
            {
                FfmpegProcess.Stop(process);
                await process.WaitForExitAsync(CancellationToken.None);
            }

            if (!stop.IsCancellationRequested && (process.ExitCode != 0 || _stats.FramesIn == 0))
            {
                throw new UserFacingException(
                    $"ffmpeg could not read {_source.Target}: {stderr.Summary ?? (_stats.FramesIn == 0 ? "no frames" : $"exit code {process.ExitCode}")}")
                {
                    Details = stderr.Text,
                };
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            fault = ex;
        }
        finally
        {
            output.TryComplete(fault);
        }

        if (fault is not null)
        {
            throw fault;
        }
    }

    private async Task ReadFramesAsync(Stream stream, ChannelWriter<Frame> output, CancellationToken stop)
    {
        var frameBytes = _source.Width * _source.Height * 3;
        // A file is paced like a camera: frame N is handed over N / fps after the first, on the clock,
        // whatever the loop restarts or the decoder do; when we fall behind, late frames are skipped.
        var paced = _source.Kind == LiveSourceKind.File;
        var interval = Stopwatch.Frequency / _source.FramesPerSecond;
        long startedAt = 0;
        long index = 0;
        long sourceIndex = 0;
        while (!stop.IsCancellationRequested)
        {
            var frame = await _pool.RentAsync(stop);
            int read;
            try
            {
                read = await stream.ReadAtLeastAsync(frame.Source, frameBytes, throwOnEndOfStream: false, stop);
            }
            catch
            {
                frame.Release();
                throw;
            }

            if (read < frameBytes)
            {
                frame.Release();
                return;
            }

            if (paced)
            {
                var now = Stopwatch.GetTimestamp();
                if (sourceIndex == 0)
                {
                    startedAt = now;
                }

                var due = startedAt + (long)(sourceIndex * interval);
                sourceIndex++;
                if (now < due)
                {
                    try
                    {
                        await Task.Delay(Stopwatch.GetElapsedTime(now, due), stop);
                    }
                    catch
                    {
                        frame.Release();
                        throw;
                    }
                }
                else if (now - due > 2 * interval)
                {
                    // A camera does not wait: this frame's moment has passed.
                    _stats.CountIn();
                    _stats.CountDroppedCapture();
                    frame.Release();
                    continue;
                }
            }

            frame.Index = index++;
            frame.CapturedAt = Stopwatch.GetTimestamp();
            _stats.CountIn();
            // DropOldest: never waits; a full channel hands its oldest frame to the drop callback.
            if (!output.TryWrite(frame))
            {
                frame.Release();
                return;
            }
        }
    }
}
