using System.Threading.Channels;
using FFMpegCore.Pipes;
using VideoStyler.Media;
using VideoStyler.Frames;

namespace VideoStyler.Sources;

/// <summary>
/// The decode stage: ffmpeg (through FFMpegCore) decodes the input to raw BGR24 on a pipe; each frame is
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
        var stderr = new FfmpegStderr();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, abort);
        try
        {
            var frameBytes = _info.Width * _info.Height * 3;
            var sink = new StreamPipeSink((stream, ct) => ReadFramesAsync(stream, frameBytes, output, stop, abort))
            {
                Format = "matroska",
            };
            var processor = DecoderArguments.Build(_info, sink, _seekSeconds)
                .NotifyOnStandardError(stderr.Add)
                .CancellableThrough(linked.Token, TimeSpan.FromSeconds(2));
            // ffmpeg is started synchronously inside this call: it inherits a mask without SIGINT (ChildSignals).
            Task<FFMpegCore.FFMpegResult> running;
            using (ChildSignals.Shield())
            {
                running = processor.ProcessAsynchronously(throwOnError: false);
            }

            var result = await running;
            abort.ThrowIfCancellationRequested();
            // Leaving the pipe early (a frame limit) makes ffmpeg fail its next write: not an error.
            if (!stop.IsCancellationRequested && !_limitReached && result.ExitCode != 0 && !result.Cancelled)
            {
                throw new UserFacingException(
                    $"ffmpeg could not decode {_info.Path}: {stderr.Summary ?? $"exit code {result.ExitCode}"}")
                {
                    Details = stderr.Text,
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
                EndedWithPartialFrame = reader.EndedMidElement;
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
