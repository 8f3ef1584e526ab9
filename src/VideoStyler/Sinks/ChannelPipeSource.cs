using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using FFMpegCore.Pipes;
using VideoStyler.Pipeline;

namespace VideoStyler.Sinks;

/// <summary>
/// An FFMpegCore pipe source that feeds ffmpeg the stylized frames of a channel as raw BGR24, writing
/// each pooled buffer directly to the pipe and then releasing the frame (the encoder is its last holder).
/// </summary>
public sealed class ChannelPipeSource : IPipeSource
{
    private readonly ChannelReader<Frame> _frames;
    private readonly int _width;
    private readonly int _height;
    private readonly string _frameRate;
    private readonly PipelineStats _stats;
    private readonly Action<long>? _onFrameWritten;

    public ChannelPipeSource(
        ChannelReader<Frame> frames, int width, int height, string frameRate, PipelineStats stats, Action<long>? onFrameWritten)
    {
        _frames = frames;
        _width = width;
        _height = height;
        _frameRate = frameRate;
        _stats = stats;
        _onFrameWritten = onFrameWritten;
    }

    public string GetStreamArguments() =>
        string.Create(CultureInfo.InvariantCulture, $"-f rawvideo -pix_fmt bgr24 -s {_width}x{_height} -framerate {_frameRate}");

    public async Task WriteAsync(Stream outputStream, CancellationToken cancellationToken)
    {
        // No token on the wait: with one, every wait allocates; a hard stop completes the channel instead.
        while (await _frames.WaitToReadAsync(CancellationToken.None))
        {
            while (_frames.TryRead(out var frame))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = Stopwatch.GetTimestamp();
                try
                {
                    // A blocking write: ffmpeg takes a frame in a few milliseconds, and the asynchronous
                    // write on its pipe (a Unix domain socket) allocates a state machine per frame.
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
