using System.Threading.Channels;
using FFMpegCore.Pipes;
using VideoStyler.Media;
using VideoStyler.Sources;
using VideoStyler.Frames;

namespace VideoStyler.Sinks;

/// <summary>
/// An FFMpegCore pipe source that feeds ffmpeg the stylized frames of a channel as raw BGR24 in a
/// minimal Matroska stream (<see cref="MatroskaFrameWriter"/>), so each frame keeps its presentation
/// timestamp (variable frame rate survives). Each pooled buffer is written directly to the pipe after
/// its small preallocated header, then the frame is released (the encoder is its last holder).
/// </summary>
internal sealed class ChannelPipeSource : IPipeSource
{
    private readonly ChannelReader<Frame> _frames;
    private readonly MatroskaFrameWriter _matroska;
    private readonly PipelineStats _stats;
    private readonly Action<long>? _onFrameWritten;

    public ChannelPipeSource(
        ChannelReader<Frame> frames, int width, int height, string frameRate, PipelineStats stats, Action<long>? onFrameWritten)
    {
        _frames = frames;
        _matroska = new MatroskaFrameWriter(width, height, VideoProbe.RationalToDouble(frameRate));
        _stats = stats;
        _onFrameWritten = onFrameWritten;
    }

    /// <summary>Frame size and timing travel in the stream itself.</summary>
    public string GetStreamArguments() => "-f matroska";

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
}
