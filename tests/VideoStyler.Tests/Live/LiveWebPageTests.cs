using System.Globalization;
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
        var controlPort = LiveTestSupport.FreeTcpPort();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var run = Support.Cli.RunAsync(
            [
                "live", "--input", TestPaths.SharedData("help.mkv"), "--loop", "--video-size", "320x240", "--output", "preview",
                "--models-dir", Path.Combine(TestPaths.Shared, "models"),
                "--control-port", controlPort.ToString(CultureInfo.InvariantCulture), "--duration", "20",
            ],
            TimeSpan.FromMinutes(1));
        await LiveTestSupport.WaitForFramesAsync(http, controlPort, run, 30, TimeSpan.FromSeconds(30));
        var url = $"http://127.0.0.1:{controlPort}/";

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

        var result = await run;
        Assert.True(result.ExitCode == 0, result.ToString());
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
