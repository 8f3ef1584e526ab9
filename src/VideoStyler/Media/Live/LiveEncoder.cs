using System.Diagnostics;
using System.Threading.Channels;
using VideoStyler.Frames;

namespace VideoStyler.Media;

/// <summary>
/// The sink stage: one ffmpeg process takes the output frames as raw BGR24 on stdin and writes every
/// encoded sink and virtual camera (see <see cref="SinkArguments"/>). A frame's latency is counted
/// when its bytes are in the pipe (the caller's <c>counted</c>). With no ffmpeg sink (preview only)
/// frames are just counted.
/// </summary>
internal sealed class LiveEncoder
{
    private readonly List<LiveSink> _sinks;
    private readonly int _width;
    private readonly int _height;
    private readonly double _fps;
    private readonly StageClock _write;
    private readonly Action<Frame> _counted;

    /// <param name="sinks">The outputs (previews are not ffmpeg's and are skipped here).</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="fps">The frame rate the sinks are encoded at.</param>
    /// <param name="write">Counts the time each frame takes to go into the pipe.</param>
    /// <param name="counted">Called for each frame sent (before it is released).</param>
    public LiveEncoder(IReadOnlyList<LiveSink> sinks, int width, int height, double fps, StageClock write, Action<Frame> counted)
    {
        _sinks = sinks.Where(s => s.Kind != LiveSinkKind.Preview).ToList();
        _width = width;
        _height = height;
        _fps = fps;
        _write = write;
        _counted = counted;
    }

    /// <summary>Writes frames until the channel completes, then lets ffmpeg finish its outputs.</summary>
    public async Task RunAsync(ChannelReader<Frame> frames, CancellationToken abort)
    {
        if (_sinks.Count == 0)
        {
            await foreach (var frame in frames.ReadAllAsync(abort))
            {
                _counted(frame);
                frame.Release();
            }

            return;
        }

        var stderr = new FfmpegStderr();
        var names = string.Join(", ", _sinks.Select(s => s.Kind == LiveSinkKind.VirtualCamera ? "v4l2:" + s.Target : s.Target));
        using var run = FfmpegLauncher.Start("ffmpeg", SinkArguments.Build(_sinks, _width, _height, _fps), redirectInput: true, redirectOutput: false, stderr);
        var pipe = run.Input;
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
                        _counted(frame);
                        _write.AddSince(start);
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
                await run.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                run.Kill();
            }

            await run.WaitForExitAsync(CancellationToken.None);
            if (run.ExitCode != 0)
            {
                throw new UserFacingException($"ffmpeg could not write {names}: {stderr.Summary ?? $"exit code {run.ExitCode}"}") { Details = stderr.Text };
            }
        }
        catch (IOException ex)
        {
            run.Kill();
            await run.WaitForExitAsync(CancellationToken.None);
            throw new UserFacingException(
                $"ffmpeg stopped writing {names}: {stderr.Summary ?? "the encoder stopped taking frames"}", inner: ex)
            {
                Details = stderr.Text,
            };
        }
        finally
        {
            run.Kill();
            while (frames.TryRead(out var frame))
            {
                frame.Release();
            }
        }
    }
}
