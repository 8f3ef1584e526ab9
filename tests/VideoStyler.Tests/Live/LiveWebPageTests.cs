using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Live;

/// <summary>The control page in a real headless Chromium: styles listed with tags, status filled in by its script, live preview shown.</summary>
public class LiveWebPageTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Control_page_lists_the_styles_and_shows_the_live_preview_in_headless_chromium()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Fail($"{Chromium} is missing: install it with apt-get install -y chromium (scripts/setup.sh does)");
        }

        var folder = TestPaths.NewTempFolder();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        // Port 0: the system picks a free port and live prints the address it got.
        using var live = BackgroundProcess.StartCli([
            "live", "--input", TestPaths.SharedData("help.mkv"), "--loop", "--video-size", "320x240", "--output", "preview",
            "--models-dir", Path.Combine(TestPaths.Shared, "models"), "--control-port", "0",
        ]);
        var url = (await ControlUrl.WaitAsync(live, TimeSpan.FromSeconds(40))).ToString();
        Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);
        var port = new Uri(url).Port;
        await LiveTestSupport.WaitForStatusAsync(http, port, live, s => LiveTestSupport.Get(s, "frames_out") >= 30, "30 frames out", 40);

        var dom = await RunChromiumAsync(folder, "--dump-dom", url);
        Assert.Contains("data-style=\"candy\"", dom.StdOut);
        Assert.Contains("data-style=\"toon\"", dom.StdOut);
        Assert.Contains("technique=toon", dom.StdOut);
        Assert.Contains("src=\"preview.mjpg\"", dom.StdOut);
        // The page's script fetched /status and wrote the live figures.
        Assert.Contains("latency p50", dom.StdOut);

        var screenshot = Path.Combine(folder, "control-page.png");
        var shot = await RunChromiumAsync(folder, $"--screenshot={screenshot}", url);
        Assert.True(File.Exists(screenshot), "no screenshot: " + shot);
        Assert.True(new FileInfo(screenshot).Length > 20_000, "the screenshot is nearly empty (no preview picture?)");

        // The preview stream is multipart JPEG.
        using var request = new HttpRequestMessage(HttpMethod.Get, url + "preview.mjpg");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.StartsWith("multipart/x-mixed-replace", response.Content.Headers.ContentType?.ToString());
        await using var body = await response.Content.ReadAsStreamAsync();
        var head = new byte[4096];
        var read = await body.ReadAtLeastAsync(head, 200, throwOnEndOfStream: false);
        var text = System.Text.Encoding.ASCII.GetString(head, 0, read);
        Assert.Contains("Content-Type: image/jpeg", text);

        live.Signal("INT");
        var result = await live.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());
        Directory.Delete(folder, recursive: true);
    }

    private static async Task<ProcessResult> RunChromiumAsync(string folder, string what, string url)
    {
        var profile = Path.Combine(folder, "chromium-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(profile);
        var result = await Support.Cli.RunProcessAsync(
            Chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--window-size=1024,768",
                "--virtual-time-budget=3000", what, url,
            ],
            TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, "chromium: " + result);
        return result;
    }
}
