using System.Threading.Channels;
using VideoStyler.Frames;

namespace VideoStyler.Media;

/// <summary>
/// The decode stage: ffmpeg decodes the input to raw BGR24 on its stdout; each frame is
/// read straight into a pooled <see cref="Frame"/> and written to the next stage's channel. Waiting for
/// a pool frame or for channel space is the backpressure that keeps batch runs lossless.
/// </summary>
internal sealed class FfmpegDecoder
{
    private readonly VideoInfo _info;
    private readonly FramePool _pool;
    private readonly PipelineStats _stats;

    private readonly long _maxFrames;
    private readonly double? _seekSeconds;
    private bool _limitReached;

    /// <param name="info">The probed input.</param>
    /// <param name="pool">The frames decoded into.</param>
    /// <param name="stats">Where the decode stage's time and frames are counted.</param>
    /// <param name="maxFrames">Stop after this many frames (0 = all).</param>
    /// <param name="seekSeconds">Start at this time instead of the beginning (see <see cref="DecoderArguments.Build"/>).</param>
    public FfmpegDecoder(VideoInfo info, FramePool pool, PipelineStats stats, long maxFrames = 0, double? seekSeconds = null)
    {
        _info = info;
        _pool = pool;
        _stats = stats;
        _maxFrames = maxFrames;
        _seekSeconds = seekSeconds;
    }

    /// <summary>Frames that arrived cut short (a truncated stream), if any.</summary>
    public bool EndedWithPartialFrame { get; private set; }

    /// <param name="output">Where decoded frames go; completed when decoding ends, with the fault if any.</param>
    /// <param name="stop">A graceful stop (Ctrl-C): end the stream after the current frame.</param>
    /// <param name="abort">A hard stop (another stage failed).</param>
    public async Task RunAsync(ChannelWriter<Frame> output, CancellationToken stop, CancellationToken abort)
    {
        Exception? fault = null;
        try
        {
            var frameBytes = _info.Width * _info.Height * 3;
            using var run = FfmpegLauncher.Start(
                "ffmpeg", DecoderArguments.Build(_info, _seekSeconds), redirectInput: false, redirectOutput: true, new FfmpegStderr());
            // A hard stop ends ffmpeg at once, which ends a pending read on the pipe.
            using (abort.Register(run.Kill))
            {
                await ReadFramesAsync(run.Output, frameBytes, output, stop, abort);
                // Leaving the pipe early (a frame limit, a graceful stop after the current frame) must not
                // leave ffmpeg blocked on its next write: what it would decode next is not used.
                if (_limitReached || stop.IsCancellationRequested)
                {
                    run.Kill();
                }

                await run.WaitForExitAsync(CancellationToken.None);
            }

            abort.ThrowIfCancellationRequested();
            if (!stop.IsCancellationRequested && !_limitReached && run.ExitCode != 0)
            {
                throw new UserFacingException(
                    $"ffmpeg could not decode {_info.Path}: {run.Stderr.Summary ?? $"exit code {run.ExitCode}"}")
                {
                    Details = run.Stderr.Text,
                };
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
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

    private async Task ReadFramesAsync(
        Stream stream, int frameBytes, ChannelWriter<Frame> output, CancellationToken stop, CancellationToken abort)
    {
        long index = 0;
        var reader = new MatroskaFrameReader(stream);
        while (!stop.IsCancellationRequested)
        {
            abort.ThrowIfCancellationRequested();
            if (_maxFrames > 0 && index >= _maxFrames)
            {
                _limitReached = true;
                return;
            }

            // No token on the frame path: a token makes every wait allocate; a hard stop closes the pool
            // and the channel instead, and kills ffmpeg, which ends a pending read.
            var frame = await _pool.RentAsync(CancellationToken.None);
            var start = StageClock.Start();
            long? presentationMs;
            try
            {
                // A blocking read (see MatroskaFrameReader): no allocation per frame.
                presentationMs = reader.ReadFrame(frame.Source.AsSpan(0, frameBytes));
            }
            catch
            {
                frame.Release();
                throw;
            }

            if (presentationMs is not { } ms)
            {
                // A hard stop ends ffmpeg mid-frame: that is not a truncated input.
                EndedWithPartialFrame = reader.EndedMidElement && !abort.IsCancellationRequested;
                frame.Release();
                return;
            }

            frame.PresentationMs = ms;

            _stats.Decode.AddSince(start);
            frame.Index = index++;
            frame.CapturedAt = start.Timestamp;
            _stats.CountIn();
            try
            {
                await output.WriteAsync(frame, CancellationToken.None);
            }
            catch
            {
                frame.Release();
                throw;
            }
        }
    }
}
