using System.Threading.Channels;
using VideoStyler.Sources;
using VideoStyler.Frames;

namespace VideoStyler.Sinks;

/// <summary>
/// The encode stage: ffmpeg (through FFMpegCore) reads stylized frames from a pipe, muxes them with the
/// original audio and writes <c>outputPath</c>. Any failure carries ffmpeg's stderr.
/// </summary>
internal sealed class FfmpegEncoder
{
    private readonly VideoInfo _input;
    private readonly string _outputPath;
    private readonly ContainerProfile _profile;
    private readonly string _marking;
    private readonly PipelineStats _stats;
    private readonly bool _cutAudioToVideo;
    private readonly string _displayPath;

    /// <param name="input">The probed input (size, rate, audio and subtitle streams to carry over).</param>
    /// <param name="outputPath">Where ffmpeg writes (the temporary file).</param>
    /// <param name="displayPath">The output's name as the user knows it, for messages.</param>
    /// <param name="profile">The output container's codecs and limits.</param>
    /// <param name="marking">The provenance text written into the output's metadata.</param>
    /// <param name="stats">Where the encode stage's time is counted.</param>
    /// <param name="cutAudioToVideo">End the audio with the video (a run limited to its first frames).</param>
    public FfmpegEncoder(
        VideoInfo input, string outputPath, string displayPath, ContainerProfile profile, string marking, PipelineStats stats, bool cutAudioToVideo = false)
    {
        _cutAudioToVideo = cutAudioToVideo;
        _displayPath = displayPath;
        _input = input;
        _outputPath = outputPath;
        _profile = profile;
        _marking = marking;
        _stats = stats;
    }

    /// <summary>Set when the run failed because the output could not grow (disk full, file size limit).</summary>
    public bool OutputFull { get; private set; }

    /// <summary>What the user can do about <see cref="OutputFull"/>.</summary>
    public string OutputFullAdvice { get; private set; } = "";

    /// <param name="frames">Stylized frames; the encoder releases each one after writing it.</param>
    /// <param name="onFrameWritten">Progress callback with the running count of frames written.</param>
    /// <param name="interrupted">Set when the user interrupted: ffmpeg may then have been signalled too.</param>
    /// <param name="abort">A hard stop (another stage failed).</param>
    public async Task RunAsync(ChannelReader<Frame> frames, Action<long>? onFrameWritten, CancellationToken interrupted, CancellationToken abort)
    {
        var stderr = new FfmpegStderr();
        var source = new ChannelPipeSource(frames, _input.Width, _input.Height, _input.FrameRate, _stats, onFrameWritten);
        try
        {
            var processor = EncoderArguments.Build(source, _input, _outputPath, _profile, _marking, _cutAudioToVideo)
                .NotifyOnStandardError(stderr.Add)
                .CancellableThrough(abort, TimeSpan.FromSeconds(2));
            // ffmpeg is started synchronously inside this call: it inherits a mask without SIGINT, so a
            // terminal's Ctrl-C does not cut the file short; the tool finishes it (ChildSignals).
            Task<FFMpegCore.FFMpegResult> running;
            using (ChildSignals.Shield())
            {
                running = processor.ProcessAsynchronously(throwOnError: false);
            }

            var result = await running;
            abort.ThrowIfCancellationRequested();
            // A terminal Ctrl-C reaches ffmpeg too: it then finalizes the file itself and exits 255.
            var interruptedExit = interrupted.IsCancellationRequested && result.ExitCode == 255;
            // ffmpeg 5.1 exits with 0 when a write fails in the trailer or on close: check what it said.
            if (stderr.OutputFull is not null && !interruptedExit)
            {
                throw OutputFullError(stderr);
            }

            if (stderr.FinishFailed is { } finishFailed && !interruptedExit)
            {
                throw new UserFacingException($"ffmpeg could not finish {_displayPath}: {finishFailed}") { Details = stderr.Text };
            }

            if (result.ExitCode != 0 && !interruptedExit)
            {
                throw new UserFacingException($"ffmpeg could not encode {_displayPath}: {Reason(result.ExitCode, stderr)}")
                {
                    Details = stderr.Text,
                };
            }
        }
        catch (Exception ex) when (ex is not UserFacingException && ex is not OperationCanceledException && stderr.OutputFull is not null)
        {
            throw OutputFullError(stderr, ex);
        }
        catch (Exception ex) when (ex is not UserFacingException && ex is not OperationCanceledException)
        {
            // Typically a broken pipe: ffmpeg died. Its stderr says why; our exception only says that.
            throw new UserFacingException(
                $"ffmpeg could not encode {_displayPath}: {(stderr.Summary is null ? "the encoder stopped taking frames (killed or crashed)" : stderr.Summary)}", inner: ex)
            {
                Details = stderr.Text,
            };
        }
        finally
        {
            // Whatever is still queued will never be written: give the buffers back.
            while (frames.TryRead(out var frame))
            {
                frame.Release();
            }
        }
    }

    private UserFacingException OutputFullError(FfmpegStderr stderr, Exception? inner = null)
    {
        OutputFull = true;
        var diskFull = stderr.OutputFull == "no space left on device";
        var what = diskFull ? "the output disk is full" : "the output file hit a file size limit";
        OutputFullAdvice = diskFull ? "free some space and run again" : "raise the limit or write to another place";
        return new UserFacingException($"{what} ({stderr.OutputFull}) while writing {_displayPath}", inner: inner)
        {
            Details = stderr.Text,
        };
    }

    private static string Reason(int exitCode, FfmpegStderr stderr)
    {
        // 128+N is "killed by signal N" as a shell reports it; .NET may also report -1 for a signal death.
        if (exitCode is < 0 or > 128 and < 160)
        {
            return $"the encoder process was killed or crashed (exit code {exitCode})" + (stderr.Summary is { } last ? $"; last message: {last}" : "");
        }

        return stderr.Summary ?? $"exit code {exitCode}";
    }
}
