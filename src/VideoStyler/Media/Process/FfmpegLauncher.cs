using System.ComponentModel;
using System.Diagnostics;

namespace VideoStyler.Media;

/// <summary>
/// The one place where the tool starts ffmpeg or ffprobe. Every child gets its arguments as a list
/// (<see cref="ProcessStartInfo.ArgumentList"/>: no shell, no quoting), is started with SIGINT and
/// SIGQUIT blocked (<see cref="ChildSignals"/>, so a terminal's Ctrl-C stays the tool's to handle), and
/// has its stderr kept for the errors raised about it (<see cref="FfmpegStderr"/>).
/// </summary>
/// <remarks>
/// FFMpegCore was used for the batch decoder and encoder until it was dropped: the tool needs its own
/// process start (the blocked signal mask, killing exactly its own child on a hard stop, the stderr
/// tail in errors), FFMpegCore starts its process inside ProcessAsynchronously with no hook for that,
/// and its typed arguments cannot express most of our options (they were all custom-argument strings
/// with hand-written quoting). One launcher and one argument style (<see cref="FfmpegArguments"/>) serve
/// probe, decode, encode, live capture and live outputs alike.
/// </remarks>
internal static class FfmpegLauncher
{
    /// <summary>
    /// Runs a tool to completion and returns its exit code and its whole stdout and stderr. A
    /// cancellation ends the child (it is ours) before the exception propagates.
    /// </summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(
        string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var process = StartProcess(tool, arguments, redirectInput: true, redirectOutput: true);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            FfmpegRun.Kill(process);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts a tool whose stderr lines go to <paramref name="stderr"/> as they come; stdin and stdout
    /// are pipes to the caller when asked for (frames in, frames out), else stdin is closed to it.
    /// </summary>
    internal static FfmpegRun Start(
        string tool, IReadOnlyList<string> arguments, bool redirectInput, bool redirectOutput, FfmpegStderr stderr)
    {
        var process = StartProcess(tool, arguments, redirectInput, redirectOutput);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                stderr.Add(line);
            }
        };
        process.BeginErrorReadLine();
        return new FfmpegRun(process, stderr);
    }

    private static Process StartProcess(string tool, IReadOnlyList<string> arguments, bool redirectInput, bool redirectOutput)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = redirectOutput,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            // The child inherits this thread's mask: the terminal's Ctrl-C stays pending in it (ChildSignals).
            using (ChildSignals.Shield())
            {
                return Process.Start(info) ?? throw new UserFacingException($"could not start {tool}");
            }
        }
        catch (Win32Exception)
        {
            throw new UserFacingException($"{tool} is not installed or not on PATH (run scripts/setup.sh)");
        }
    }
}
