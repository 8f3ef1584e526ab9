using System.Diagnostics;

namespace VideoStyler.Sources;

/// <summary>Runs a command-line tool (ffprobe, ffmpeg) to completion and returns its exit code and output.</summary>
internal static class ProcessRunner
{
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(
        string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using (var process = Start(fileName, arguments, redirectInput: true, redirectOutput: true))
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await stdout, await stderr);
        }
    }

    /// <summary>
    /// Starts a tool with an argument list (no shell quoting) and stderr redirected; a missing tool is a
    /// one-line error that says how to install it.
    /// </summary>
    public static Process Start(string fileName, IEnumerable<string> arguments, bool redirectInput, bool redirectOutput)
    {
        var info = new ProcessStartInfo(fileName)
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
            // The child does not take the terminal's Ctrl-C itself: the tool ends it (see ChildSignals).
            using (ChildSignals.Shield())
            {
                return Process.Start(info) ?? throw new UserFacingException($"could not start {fileName}");
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new UserFacingException($"{fileName} is not installed or not on PATH (run scripts/setup.sh)");
        }
    }
}
