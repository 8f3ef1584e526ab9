using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using VideoStyler.Frames;

namespace VideoStyler.Media;

/// <summary>
/// The encode stage: ffmpeg reads stylized frames from its stdin, muxes them with the
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
        var writer = new FrameStreamWriter(frames, _input.Width, _input.Height, _input.FrameRate, _stats, onFrameWritten);
        FfmpegStderr stderr = new();
        try
        {
            // ffmpeg starts with SIGINT blocked, so a terminal's Ctrl-C does not cut the file short; the
            // tool finishes it (ChildSignals).
            using var run = FfmpegLauncher.Start(
                "ffmpeg", EncoderArguments.Build(_input, _outputPath, _profile, _marking, _cutAudioToVideo), redirectInput: true, redirectOutput: false, stderr);
            var writeFault = await writer.FeedAsync(run, abort);

            abort.ThrowIfCancellationRequested();
            // A terminal Ctrl-C that reached ffmpeg anyway: it then finalizes the file itself and exits 255.
            var interruptedExit = interrupted.IsCancellationRequested && run.ExitCode == 255;
            if (writeFault is UserFacingException)
            {
                // Not ffmpeg's: an earlier stage's error, said as it was.
                ExceptionDispatchInfo.Throw(writeFault);
            }

            // The second Ctrl-C ends ffmpeg with SIGTERM: it finalizes the file and exits 255, and the frame
            // being written meets a closed pipe. Not an error: the tool is exiting and keeps what is done as
            // NAME.partial.EXT (InterruptHandler); give it the time to, rather than finish the run here. A
            // SIGTERM from elsewhere (no second signal) finishes the run after the wait.
            if (writeFault is IOException && interruptedExit)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), abort);
            }
            else if (writeFault is not null)
            {
                if (stderr.OutputFull is not null)
                {
                    throw OutputFullError(stderr, writeFault);
                }

                // Typically a broken pipe: ffmpeg died. Its exit code and stderr say why; our exception only says that.
                var reason = writeFault is IOException && run.ExitCode != 0
                    ? Reason(run.ExitCode, stderr)
                    : stderr.Summary ?? "the encoder stopped taking frames (killed or crashed)";
                throw new UserFacingException($"ffmpeg could not encode {_displayPath}: {reason}", inner: writeFault)
                {
                    Details = stderr.Text,
                };
            }

            // ffmpeg 5.1 exits with 0 when a write fails in the trailer or on close: check what it said.
            if (stderr.OutputFull is not null && !interruptedExit)
            {
                throw OutputFullError(stderr);
            }

            if (stderr.FinishFailed is { } finishFailed && !interruptedExit)
            {
                throw new UserFacingException($"ffmpeg could not finish {_displayPath}: {finishFailed}") { Details = stderr.Text };
            }

            if (run.ExitCode != 0 && !interruptedExit)
            {
                throw new UserFacingException($"ffmpeg could not encode {_displayPath}: {Reason(run.ExitCode, stderr)}")
                {
                    Details = stderr.Text,
                };
            }
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
