using System.Diagnostics;

namespace VideoStyler.Tests.Support;

/// <summary>Runs the real command-line tool (the built VideoStyler.Cli.dll) as a separate process.</summary>
internal static class Cli
{
    public static Task<ProcessResult> RunAsync(params string[] args) => RunAsync(args, TimeSpan.FromMinutes(5));

    public static Task<ProcessResult> RunAsync(IEnumerable<string> args, TimeSpan timeout) =>
        RunProcessAsync("dotnet", [TestPaths.CliDll, .. args], timeout);

    /// <summary>Runs the tool with extra environment variables (e.g. XDG_DATA_HOME pointing at a temp folder).</summary>
    public static Task<ProcessResult> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunProcessAsync("dotnet", [TestPaths.CliDll, .. args], TimeSpan.FromMinutes(5), environment);

    public static async Task<ProcessResult> RunProcessAsync(string fileName, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = NewStartInfo(fileName, args);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>(StringComparer.Ordinal))
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = Task.Run(process.StandardOutput.ReadToEnd);
        var stderr = Task.Run(process.StandardError.ReadToEnd);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException ex)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} ran longer than {timeout}", ex);
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    internal static ProcessStartInfo NewStartInfo(string fileName, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = TestPaths.RepoRoot,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }
}
