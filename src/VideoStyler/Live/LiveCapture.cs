using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using VideoStyler.Sources;
using VideoStyler.Frames;

namespace VideoStyler.Live;

/// <summary>
/// The capture stage: ffmpeg delivers the source as raw BGR24 on stdout; each frame is read into a
/// pooled <see cref="Frame"/>, stamped with its capture time and written to a channel that drops its
/// oldest frame when full (the channel's drop callback returns that frame to the pool). A camera never
/// waits for us.
/// <para>
/// A source that disappears does not end the run: when ffmpeg ends (a webcam unplugged, a stream
/// closed) or sends no frame for the stall timeout (a dropped network stream may just hang), the source
/// is marked lost in <see cref="SourceHealth"/> and reopened with exponential backoff until it comes
/// back, the reconnect timeout passes, or the run is stopped. Meanwhile a gap filler writes
/// <see cref="Frame.IsFiller"/> frames at the source rate, so the sinks never starve. A source that
/// delivers nothing on its first opening is an error (a mistyped URL should not spin forever), and a
/// file without --loop that ends is a normal end.
/// </para>
/// </summary>
internal sealed class LiveCapture
{
    private readonly LiveSource _source;
    private readonly FramePool _pool;
    private readonly LiveStats _stats;
    private readonly SourceHealth _health;
    private readonly Action<string> _notice;
    private readonly TimeSpan _stallTimeout;
    private readonly TimeSpan _openTimeout;
    private readonly TimeSpan? _reconnectTimeout;
    private readonly ReconnectBackoff _backoff;
    private long _lastRealAt;
    private long _lastWrittenAt;
    private long _connectionFrames;

    public LiveCapture(LiveOptions options, FramePool pool, LiveStats stats, SourceHealth health, Action<string> notice)
    {
        _source = options.Source;
        _pool = pool;
        _stats = stats;
        _health = health;
        _notice = notice;
        _stallTimeout = options.StallTimeout;
        // Opening a stream (connect, probe, first keyframe) may take longer than the gap between frames.
        _openTimeout = options.StallTimeout > TimeSpan.FromSeconds(10) ? options.StallTimeout : TimeSpan.FromSeconds(10);
        _reconnectTimeout = options.ReconnectTimeout;
        _backoff = options.Backoff;
    }

    /// <summary>Set when the source stayed lost longer than the reconnect timeout: the run ended because of it.</summary>
    public string? GaveUp { get; private set; }

    /// <summary>
    /// Reads frames until the source ends (a file), the run is stopped, or a lost source is given up;
    /// completes <paramref name="output"/> either way.
    /// </summary>
    public async Task RunAsync(ChannelWriter<Frame> output, CancellationToken stop)
    {
        using var fillerEnd = CancellationTokenSource.CreateLinkedTokenSource(stop);
        // A file played once has no loss to cover: its end is the end.
        var filler = _source.Kind == LiveSourceKind.File && !_source.Loop ? Task.CompletedTask : FillGapsAsync(output, fillerEnd.Token);
        Exception? fault = null;
        try
        {
            await CaptureAsync(output, stop);
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
            await fillerEnd.CancelAsync();
            try
            {
                await filler;
            }
            catch (OperationCanceledException)
            {
            }

            output.TryComplete(fault);
        }

        if (fault is not null)
        {
            throw fault;
        }
    }

    private async Task CaptureAsync(ChannelWriter<Frame> output, CancellationToken stop)
    {
        var opened = false;
        while (true)
        {
            var (exitCode, reason) = await ReadConnectionAsync(output, stop);
            if (stop.IsCancellationRequested)
            {
                return;
            }

            opened |= Interlocked.Read(ref _connectionFrames) > 0;
            if (!opened)
            {
                throw new UserFacingException($"ffmpeg could not read {_source.Target}: {reason}");
            }

            if (_source.Kind == LiveSourceKind.File && !_source.Loop)
            {
                if (exitCode == 0)
                {
                    return;
                }

                throw new UserFacingException($"ffmpeg could not read {_source.Target}: {reason}");
            }

            string what;
            if (!_health.IsLost)
            {
                _health.MarkLost();
                _stats.CountSourceLost();
                what = $"live: source lost ({reason}); sending the last frame";
            }
            else
            {
                what = $"live: reconnect attempt {_health.Attempts} failed ({reason})";
            }

            var delay = _backoff.Delay(_health.Attempts + 1);
            if (_reconnectTimeout is { } limit)
            {
                var left = limit - _health.LostFor;
                if (left <= TimeSpan.Zero)
                {
                    GaveUp = $"live: {_source.Target} was lost for {Seconds(_health.LostFor)} s and did not come back (--reconnect-timeout {Seconds(limit)})";
                    _notice($"{what}; giving up after {Seconds(_health.LostFor)} s");
                    return;
                }

                delay = delay < left ? delay : left;
            }

            _notice($"{what}; retrying in {Seconds(delay)} s");
            await Task.Delay(delay, stop);
            _health.CountAttempt();
            _stats.CountReconnectAttempt();
        }
    }

    /// <summary>One ffmpeg run on the source: frames until it ends or stalls. Returns its exit code and why it ended.</summary>
    private async Task<(int ExitCode, string Reason)> ReadConnectionAsync(ChannelWriter<Frame> output, CancellationToken stop)
    {
        Interlocked.Exchange(ref _connectionFrames, 0);
        var stderr = new FfmpegStderr();
        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var process = FfmpegProcess.Start(CaptureArguments.Build(_source), redirectInput: false, redirectOutput: true, stderr);
        string? broke = null;
        try
        {
            await ReadFramesAsync(process.StandardOutput.BaseStream, output, watchdog, stop);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested && watchdog.IsCancellationRequested)
        {
            broke = Interlocked.Read(ref _connectionFrames) == 0
                ? $"no frame within {Seconds(_openTimeout)} s"
                : $"no frame for {Seconds(_stallTimeout)} s";
        }
        catch (IOException ex) when (!stop.IsCancellationRequested)
        {
            broke = ex.Message;
        }
        finally
        {
            FfmpegProcess.Stop(process);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        var exitCode = broke is null ? process.ExitCode : -1;
        var reason = broke
            ?? (exitCode == 0
                ? Interlocked.Read(ref _connectionFrames) == 0 ? "no frames" : "the source ended"
                : stderr.Summary ?? $"ffmpeg exit code {exitCode}");
        // ffmpeg names the input before its complaint ("tcp://host:port: Connection refused"); we name it already.
        var prefix = _source.Target + ": ";
        return (exitCode, reason.StartsWith(prefix, StringComparison.Ordinal) ? reason[prefix.Length..] : reason);
    }

    private async Task ReadFramesAsync(Stream stream, ChannelWriter<Frame> output, CancellationTokenSource watchdog, CancellationToken stop)
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
                // The watchdog runs only while we wait for the source, never while we wait for the pool.
                watchdog.CancelAfter(sourceIndex == 0 ? _openTimeout : _stallTimeout);
                read = await stream.ReadAtLeastAsync(frame.Source, frameBytes, throwOnEndOfStream: false, watchdog.Token);
                watchdog.CancelAfter(Timeout.InfiniteTimeSpan);
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

            Interlocked.Increment(ref _connectionFrames);
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
            else
            {
                sourceIndex++;
            }

            if (_health.IsLost)
            {
                _notice($"live: source back after {Seconds(_health.LostFor)} s ({_health.Attempts} reconnect attempt{(_health.Attempts == 1 ? "" : "s")})");
                _health.MarkLive();
                _stats.CountReconnect();
            }

            frame.Index = index++;
            frame.IsFiller = false;
            frame.CapturedAt = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref _lastRealAt, frame.CapturedAt);
            Interlocked.Exchange(ref _lastWrittenAt, frame.CapturedAt);
            _stats.CountIn();
            // DropOldest: never waits; a full channel hands its oldest frame to the drop callback.
            if (!output.TryWrite(frame))
            {
                frame.Release();
                return;
            }
        }
    }

    /// <summary>
    /// While no frame comes in for two frame intervals (after the first one), writes a filler frame per
    /// interval: the output stage repeats the last output in it, or draws the placeholder card.
    /// </summary>
    private async Task FillGapsAsync(ChannelWriter<Frame> output, CancellationToken end)
    {
        var interval = TimeSpan.FromSeconds(1 / _source.FramesPerSecond);
        var gap = (long)(2 * Stopwatch.Frequency / _source.FramesPerSecond);
        var spacing = gap / 4;
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(end))
        {
            var lastReal = Interlocked.Read(ref _lastRealAt);
            var now = Stopwatch.GetTimestamp();
            if (lastReal == 0 || now - lastReal < gap || now - Interlocked.Read(ref _lastWrittenAt) < spacing)
            {
                continue;
            }

            var frame = await _pool.RentAsync(end);
            frame.IsFiller = true;
            frame.Index = -1;
            frame.CapturedAt = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref _lastWrittenAt, frame.CapturedAt);
            if (!output.TryWrite(frame))
            {
                frame.Release();
            }
        }
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}
