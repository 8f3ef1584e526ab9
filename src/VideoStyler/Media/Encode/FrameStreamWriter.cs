using System.Threading.Channels;
using VideoStyler.Frames;

namespace VideoStyler.Media;

/// <summary>
/// Feeds an encoding ffmpeg (on its stdin) the stylized frames of a channel as raw BGR24 in a
/// minimal Matroska stream (<see cref="MatroskaFrameWriter"/>), so each frame keeps its presentation
/// timestamp (variable frame rate survives). Each pooled buffer is written directly to the pipe after
/// its small preallocated header, then the frame is released (the encoder is its last holder).
/// </summary>
internal sealed class FrameStreamWriter
{
    private readonly ChannelReader<Frame> _frames;
    private readonly MatroskaFrameWriter _matroska;
    private readonly PipelineStats _stats;
    private readonly Action<long>? _onFrameWritten;

    public FrameStreamWriter(
        ChannelReader<Frame> frames, int width, int height, string frameRate, PipelineStats stats, Action<long>? onFrameWritten)
    {
        _frames = frames;
        _matroska = new MatroskaFrameWriter(width, height, VideoProbe.RationalToDouble(frameRate));
        _stats = stats;
        _onFrameWritten = onFrameWritten;
    }

    /// <summary>The stream's container for ffmpeg's <c>-f</c>: frame size and timing travel in the stream itself.</summary>
    public const string Format = "matroska";

    /// <summary>Writes every frame of the channel until it completes, releasing each one once written.</summary>
    public async Task WriteAsync(Stream outputStream, CancellationToken cancellationToken)
    {
        outputStream.Write(_matroska.BuildStreamHeader());
        // No token on the wait: with one, every wait allocates; a hard stop completes the channel instead.
        while (await _frames.WaitToReadAsync(CancellationToken.None))
        {
            while (_frames.TryRead(out var frame))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = StageClock.Start();
                try
                {
                    // Blocking writes: ffmpeg takes a frame in a few milliseconds, and an asynchronous write
                    // on its pipe (a Unix domain socket) allocates a state machine per frame.
                    outputStream.Write(_matroska.FrameHeader(frame.PresentationMs).Span);
                    outputStream.Write(frame.Output);
                }
                finally
                {
                    frame.Release();
                }

                _stats.Encode.AddSince(start);
                _stats.CountOut();
                _onFrameWritten?.Invoke(_stats.FramesOut);
            }
        }
    }

    /// <summary>
    /// Feeds every frame to <paramref name="run"/>'s stdin, closes it and waits for ffmpeg to exit (a hard
    /// stop kills it). Returns the fault met while writing, if any, for the caller to judge together with
    /// ffmpeg's exit code and stderr: a broken pipe usually means ffmpeg left first, and says why itself.
    /// </summary>
    public async Task<Exception?> FeedAsync(FfmpegRun run, CancellationToken abort)
    {
        ArgumentNullException.ThrowIfNull(run);
        Exception? writeFault = null;
        using (abort.Register(run.Kill))
        {
            try
            {
                await WriteAsync(run.Input, abort);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                writeFault = ex;
                // A broken pipe: ffmpeg left, and is ending with its own exit code and message.
                if (ex is not IOException)
                {
                    run.Kill();
                }
            }
            finally
            {
                run.CloseInput();
            }

            await run.WaitForExitAsync(writeFault is null ? null : TimeSpan.FromSeconds(10));
        }

        return writeFault;
    }
}
