using System.Diagnostics;
using System.Globalization;
using System.Text;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Live;

/// <summary>
/// A process the test keeps running while it watches it (a stream server, the live command): its id for
/// /proc and signals, and its output once it ended. Disposing kills it if it still runs.
/// </summary>
internal sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private BackgroundProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static BackgroundProcess Start(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = Support.Cli.NewStartInfo(fileName, args);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>(StringComparer.Ordinal))
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var started = new BackgroundProcess(process);
        process.OutputDataReceived += (_, e) => Append(started._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(started._stderr, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>The live command run from the built CLI.</summary>
    public static BackgroundProcess StartCli(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        Start("dotnet", [TestPaths.CliDll, .. args], environment);

    /// <summary>Sends a signal (INT, TERM, STOP, KILL, ...) with kill(1).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>
    /// Sends a signal to the whole process group whose leader this process is (start it with setsid),
    /// as a terminal's Ctrl-C does.
    /// </summary>
    public void SignalGroup(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, "--", "-" + Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Resident memory in kB, from VmRSS in /proc/PID/status.</summary>
    public long ResidentKilobytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"no VmRSS in /proc/{Id}/status");
    }

    public async Task<ProcessResult> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException ex)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{_process.StartInfo.FileName} ran longer than {timeout}: {Output()}", ex);
        }

        // The asynchronous readers have seen the end of both streams once WaitForExit returns.
        _process.WaitForExit();
        return new ProcessResult(_process.ExitCode, Text(_stdout), Text(_stderr));
    }

    /// <summary>What it printed so far (for failure messages).</summary>
    public string Output() => $"--- stdout\n{Text(_stdout)}\n--- stderr\n{Text(_stderr)}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }

    private static string Text(StringBuilder source)
    {
        lock (source)
        {
            return source.ToString();
        }
    }
}
