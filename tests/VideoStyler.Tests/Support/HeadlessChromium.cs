using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace VideoStyler.Tests.Support;

/// <summary>
/// Debian's Chromium started headless with remote debugging on a port it chooses (read from the
/// "DevTools listening on ws://..." line of its stderr) and a fresh profile folder; disposing kills it and
/// removes the profile.
/// </summary>
internal sealed class HeadlessChromium : IDisposable
{
    public const string Path = "/usr/bin/chromium";

    private readonly Process _process;
    private readonly string _profile;
    private readonly StringBuilder _stderr;

    private HeadlessChromium(Process process, string profile, int port, StringBuilder stderr)
    {
        _process = process;
        _profile = profile;
        Port = port;
        _stderr = stderr;
    }

    /// <summary>The DevTools HTTP/WebSocket port.</summary>
    public int Port { get; }

    /// <summary>What Chromium printed on stderr so far (for failure messages).</summary>
    public string StdErr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static async Task<HeadlessChromium> StartAsync(TimeSpan timeout)
    {
        Assert.True(File.Exists(Path), $"{Path} is missing: install it with apt-get install -y chromium (scripts/setup.sh does)");
        var profile = TestPaths.NewTempFolder();
        var info = Cli.NewStartInfo(
            Path,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--remote-debugging-port=0", $"--user-data-dir={profile}", "about:blank",
            ]);
        var process = new Process { StartInfo = info };
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                listening.TrySetException(new InvalidOperationException("chromium closed stderr before DevTools listened"));
                return;
            }

            lock (stderr)
            {
                stderr.AppendLine(line);
            }

            const string prefix = "DevTools listening on ws://";
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                listening.TrySetResult(new Uri(line["DevTools listening on ".Length..]).Port);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var port = await listening.Task.WaitAsync(timeout);
            return new HeadlessChromium(process, profile, port, stderr);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            Kill(process);
            Directory.Delete(profile, recursive: true);
            lock (stderr)
            {
                Assert.Fail($"chromium did not start its DevTools endpoint: {e.Message}\n{stderr}");
            }

            throw;
        }
    }

    /// <summary>Connects to the first page target (listed by /json/list).</summary>
    public async Task<DevToolsClient> ConnectToPageAsync(HttpClient http)
    {
        var targets = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{Port}/json/list")).RootElement;
        var page = targets.EnumerateArray().FirstOrDefault(t => t.GetProperty("type").GetString() == "page");
        Assert.True(page.ValueKind == JsonValueKind.Object, $"chromium lists no page target: {targets}");
        return await DevToolsClient.ConnectAsync(new Uri(page.GetProperty("webSocketDebuggerUrl").GetString()!), TimeSpan.FromSeconds(15));
    }

    public void Dispose()
    {
        Kill(_process);
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium's helpers may still be closing files; the temp folder is cleaned later.
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
