using System.Diagnostics;

namespace VideoStyler.Sources;

/// <summary>Runs a command-line tool (ffprobe, ffmpeg) to completion and returns its exit code and output.</summary>
public static class ProcessRunner
{
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(
        string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new UserFacingException($"could not start {fileName}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new UserFacingException($"{fileName} is not installed or not on PATH (run scripts/setup.sh)");
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
