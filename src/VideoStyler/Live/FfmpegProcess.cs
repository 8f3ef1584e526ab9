using System.Diagnostics;
using VideoStyler.Sources;

namespace VideoStyler.Live;

/// <summary>Starts ffmpeg with an argument list, collecting the tail of its stderr.</summary>
internal static class FfmpegProcess
{
    public static Process Start(IReadOnlyList<string> arguments, bool redirectInput, bool redirectOutput, FfmpegStderr stderr)
    {
        var process = ProcessRunner.Start("ffmpeg", arguments, redirectInput, redirectOutput);

        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                stderr.Add(line);
            }
        };
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Ends the process if it still runs (it is ours; no other process is touched).</summary>
    public static void Stop(Process process)
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
