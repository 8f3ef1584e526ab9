using System.Diagnostics;
using System.Threading.Channels;
using VideoStyler.Sources;
using VideoStyler.Frames;

namespace VideoStyler.Live;

/// <summary>
/// The sink stage: one ffmpeg process takes the output frames as raw BGR24 on stdin and writes every
/// encoded sink and virtual camera (see <see cref="SinkArguments"/>). A frame's latency is counted
/// when its bytes are in the pipe. With no ffmpeg sink (preview only) frames are just counted.
/// </summary>
internal sealed class LiveEncoder
{
    private readonly List<LiveSink> _sinks;
    private readonly int _width;
    private readonly int _height;
    private readonly double _fps;
    private readonly LiveStats _stats;

    public LiveEncoder(IReadOnlyList<LiveSink> sinks, int width, int height, double fps, LiveStats stats)
    {
        _sinks = sinks.Where(s => s.Kind != LiveSinkKind.Preview).ToList();
        _width = width;
        _height = height;
        _fps = fps;
        _stats = stats;
    }

    /// <summary>Writes frames until the channel completes, then lets ffmpeg finish its outputs.</summary>
    public async Task RunAsync(ChannelReader<Frame> frames, CancellationToken abort)
    {
        if (_sinks.Count == 0)
        {
            await foreach (var frame in frames.ReadAllAsync(abort))
            {
                _stats.CountOut(frame.CapturedAt, sampleLatency: !frame.IsFiller);
                frame.Release();
            }

            return;
        }

        var stderr = new FfmpegStderr();
        var names = string.Join(", ", _sinks.Select(s => s.Kind == LiveSinkKind.VirtualCamera ? "v4l2:" + s.Target : s.Target));
        using var process = FfmpegProcess.Start(SinkArguments.Build(_sinks, _width, _height, _fps), redirectInput: true, redirectOutput: false, stderr);
        var pipe = process.StandardInput.BaseStream;
        try
        {
            while (await frames.WaitToReadAsync(abort))
            {
                while (frames.TryRead(out var frame))
                {
                    var start = Stopwatch.GetTimestamp();
                    try
                    {
                        await pipe.WriteAsync(frame.Output.AsMemory(0, _width * _height * 3), abort);
                        await pipe.FlushAsync(abort);
                        _stats.CountOut(frame.CapturedAt, sampleLatency: !frame.IsFiller);
                        _stats.Write.AddSince(start);
                    }
                    finally
                    {
                        frame.Release();
                    }
                }
            }

            pipe.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                FfmpegProcess.Stop(process);
            }

            await process.WaitForExitAsync(CancellationToken.None);
            if (process.ExitCode != 0)
            {
                throw new UserFacingException($"ffmpeg could not write {names}: {stderr.Summary ?? $"exit code {process.ExitCode}"}") { Details = stderr.Text };
            }
        }
        catch (IOException ex)
        {
            FfmpegProcess.Stop(process);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new UserFacingException(
                $"ffmpeg stopped writing {names}: {stderr.Summary ?? "the encoder stopped taking frames"}", inner: ex)
            {
                Details = stderr.Text,
            };
        }
        finally
        {
            FfmpegProcess.Stop(process);
            while (frames.TryRead(out var frame))
            {
                frame.Release();
            }
        }
    }
}
