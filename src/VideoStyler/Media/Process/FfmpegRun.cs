using System.Diagnostics;

namespace VideoStyler.Media;

/// <summary>
/// One ffmpeg process started by <see cref="FfmpegLauncher"/>: its frame pipes, the tail of its stderr,
/// its end. Disposing it ends the process if it still runs (it is ours; no other process is touched).
/// </summary>
internal sealed class FfmpegRun : IDisposable
{
    private readonly Process _process;

    internal FfmpegRun(Process process, FfmpegStderr stderr)
    {
        _process = process;
        Stderr = stderr;
    }

    /// <summary>The last lines the process wrote to stderr.</summary>
    public FfmpegStderr Stderr { get; }

    /// <summary>The process's stdin (only when started with the input redirected).</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>The process's stdout (only when started with the output redirected).</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>The exit code, once a wait for the exit has returned.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Waits for the process to end and for its stderr to be read to the end.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>
    /// Waits for the process to end (and its stderr to be read); after <paramref name="grace"/>, if given,
    /// ends it first. Without a grace it waits as long as ffmpeg takes (finishing a file can take a while).
    /// </summary>
    public async Task WaitForExitAsync(TimeSpan? grace)
    {
        if (grace is { } limit)
        {
            using var timeout = new CancellationTokenSource(limit);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }

        await _process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>Closes stdin: the end of the input for ffmpeg. A pipe ffmpeg already left is not an error here.</summary>
    public void CloseInput()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // ffmpeg is gone; its exit code and stderr say why.
        }
    }

    /// <summary>Ends the process if it still runs.</summary>
    public void Kill() => Kill(_process);

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    internal static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
