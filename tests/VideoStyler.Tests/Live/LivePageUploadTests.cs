using System.Text.Json;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Live;

/// <summary>
/// A picture uploaded through the control page itself, in a real headless Chromium driven over the DevTools
/// protocol: the file input, the name field and the form's submit run the page's own script (its CSP, its
/// fetch with the picture's content type, the server's origin policy), and the picture becomes the live style.
/// </summary>
public class LivePageUploadTests
{
    [Fact]
    public async Task A_picture_added_on_the_page_in_chromium_becomes_the_live_style_and_is_listed()
    {
        using var homeFolder = new TempFolder();
        using var picturesFolder = new TempFolder();
        var home = homeFolder.Path;
        var pictures = picturesFolder.Path;
        var picture = Path.Combine(pictures, "ducks.jpg");
        File.Copy(Path.Combine(TestPaths.Shared, "styles", "roman-mosaic-ducks.jpg"), picture);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["XDG_DATA_HOME"] = home };
        var (live, port) = await LiveControl.StartAsync(
            [
                "live", "--input", TestPaths.SharedData("help.mkv"), "--loop", "--video-size", "320x240", "--output", "preview",
                "--size", "96", "--duration", "90",
            ],
            args => BackgroundProcess.StartCli(args, environment));
        try
        {
            await LiveTestSupport.WaitForStatusAsync(
                http, port, live, s => LiveTestSupport.Get(s, "frames_out") >= 3, "frames out", 40);
            using var chromium = await HeadlessChromium.StartAsync(TimeSpan.FromSeconds(30));
            await using var page = await chromium.ConnectToPageAsync(http);
            await page.SendAsync("Page.enable");
            await page.SendAsync("Page.navigate", new { url = $"http://127.0.0.1:{port}/" });
            await WaitForAsync(page, "document.readyState === 'complete' && document.getElementById('upload-file') !== null", "the page to load");

            var document = await page.SendAsync("DOM.getDocument");
            var input = await page.SendAsync(
                "DOM.querySelector", new { nodeId = document.GetProperty("root").GetProperty("nodeId").GetInt32(), selector = "#upload-file" });
            await page.SendAsync("DOM.setFileInputFiles", new { files = new[] { picture }, nodeId = input.GetProperty("nodeId").GetInt32() });
            Assert.Equal("image/jpeg", (await page.EvaluateAsync("document.getElementById('upload-file').files[0].type")).GetString());
            await page.EvaluateAsync("document.getElementById('upload-name').value = 'ducks'");
            await page.EvaluateAsync("document.querySelector('#upload button[type=submit]').click()");

            var status = await LiveTestSupport.WaitForStatusAsync(
                http,
                port,
                live,
                s => NoDialog(page) && s.GetProperty("style").GetString() == "ducks" && LiveTestSupport.Get(s, "style_vector_switches") >= 1,
                "switch to the uploaded style",
                60);
            Assert.Equal("ducks", status.GetProperty("style").GetString());
            Assert.Empty(page.Dialogs);
            var manifest = Path.Combine(home, "videostyler", "styles", "ducks", "style.json");
            Assert.True(File.Exists(manifest), $"no {manifest}");
            Assert.Equal("ducks", JsonDocument.Parse(await File.ReadAllTextAsync(manifest)).RootElement.GetProperty("name").GetString());

            // The page reloads after a successful upload and lists the new style.
            await WaitForAsync(
                page, "document.readyState === 'complete' && document.querySelector('li[data-style=\"ducks\"]') !== null", "the reloaded page to list ducks");
        }
        finally
        {
            live.Dispose();
            Directory.Delete(home, recursive: true);
            Directory.Delete(pictures, recursive: true);
        }
    }

    /// <summary>Fails at once when the page reported an error with alert() (e.g. the server refused the upload).</summary>
    private static bool NoDialog(DevToolsClient page)
    {
        Assert.True(page.Dialogs.Count == 0, "the page reported: " + string.Join(" | ", page.Dialogs));
        return true;
    }

    /// <summary>Polls a JavaScript condition in the page until it is true (bounded, 20 s).</summary>
    private static async Task WaitForAsync(DevToolsClient page, string condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < until)
        {
            try
            {
                if ((await page.EvaluateAsync(condition)).ValueKind == JsonValueKind.True)
                {
                    return;
                }
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < until)
            {
                // The page is between documents (navigating or reloading): ask again.
            }

            await Task.Delay(100);
        }

        Assert.Fail($"no {what} within 20 s (dialogs: {string.Join(" | ", page.Dialogs)})");
    }
}
