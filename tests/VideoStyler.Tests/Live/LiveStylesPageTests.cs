using System.Net;
using System.Text.Json;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Live;

/// <summary>
/// The control page's styles: picture styles shown with thumbnail, tags and palette swatches (checked in a
/// real headless Chromium), and a picture uploaded to the page's endpoint becoming a new style that the
/// live stream switches to.
/// </summary>
public class LiveStylesPageTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Page_shows_thumbnails_and_palettes_and_an_uploaded_picture_becomes_the_live_style()
    {
        using var homeFolder = new TempFolder();
        using var pageFolder = new TempFolder();
        var home = homeFolder.Path;
        var folder = pageFolder.Path;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        // Port 0: live binds a port the system picks and prints it; the run ends with Ctrl-C, not a fixed --duration.
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["XDG_DATA_HOME"] = home };
        var (live, port) = await LiveControl.StartAsync(
            [
                "live", "--input", TestPaths.SharedData("help.mkv"), "--loop", "--video-size", "320x240", "--output", "preview",
                "--size", "120", "--duration", "300",
            ],
            args => BackgroundProcess.StartCli(args, environment));
        using var running = live;
        var status = await LiveTestSupport.WaitForStatusAsync(
            http, port, live, s => LiveTestSupport.Get(s, "frames_out") >= 10, "10 frames out", 60);
        Assert.Equal("starry-night", status.GetProperty("style").GetString());
        var url = $"http://127.0.0.1:{port}/";

        if (File.Exists(Chromium))
        {
            var dom = await Support.Cli.RunProcessAsync(
                Chromium,
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                    $"--user-data-dir={Path.Combine(folder, "chromium")}", "--virtual-time-budget=2000", "--dump-dom", url,
                ],
                TimeSpan.FromSeconds(60));
            Assert.True(dom.ExitCode == 0, dom.ToString());
            Assert.Contains("<img class=\"thumb\" alt=\"The Great Wave off Kanagawa\" src=\"thumb/great-wave\">", dom.StdOut);
            // The page's script paints each swatch from its data-hex (no inline style in the markup: the CSP forbids it).
            Assert.Matches("class=\"swatch\" data-hex=\"#[0-9a-f]{6}\" data-share=\"[0-9]+\" title=\"[^\"]*\" style=\"background: rgb\\(", dom.StdOut);
            Assert.Contains("palette=cool,vivid", dom.StdOut);
            Assert.Contains("data-style=\"toon\" data-kind=\"network\"", dom.StdOut);
            Assert.Contains("id=\"upload-file\"", dom.StdOut);
        }
        else
        {
            Assert.Fail($"{Chromium} is missing: install it with apt-get install -y chromium (scripts/setup.sh does)");
        }

        using (var thumb = await http.GetAsync(url + "thumb/great-wave"))
        {
            Assert.Equal(HttpStatusCode.OK, thumb.StatusCode);
            Assert.Equal("image/jpeg", thumb.Content.Headers.ContentType?.MediaType);
            var bytes = await thumb.Content.ReadAsByteArrayAsync();
            Assert.Equal([0xFF, 0xD8], bytes[..2]);
        }

        // Not a picture: one error, nothing saved, the stream goes on with its style.
        using (var bad = await http.PostAsync(url + "styles/upload?name=junk", new StringContent("not a picture")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("is not a picture", await bad.Content.ReadAsStringAsync());
        }

        Assert.False(Directory.Exists(Path.Combine(home, "videostyler", "styles", "junk")));

        var picture = await File.ReadAllBytesAsync(Path.Combine(TestPaths.Shared, "styles", "roman-mosaic-ducks.jpg"));
        using (var upload = await http.PostAsync(url + "styles/upload?name=ducks", new ByteArrayContent(picture)))
        {
            var body = await upload.Content.ReadAsStringAsync();
            Assert.True(upload.StatusCode == HttpStatusCode.OK, body);
            Assert.Equal("ducks", JsonDocument.Parse(body).RootElement.GetProperty("style").GetString());
        }

        Assert.True(File.Exists(Path.Combine(home, "videostyler", "styles", "ducks", "style.json")));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string? style = null;
        while (DateTime.UtcNow < until && style != "ducks")
        {
            style = (await LiveTestSupport.TryStatusAsync(http, port))?.GetProperty("style").GetString();
            await Task.Delay(200);
        }

        Assert.Equal("ducks", style);
        // starry-night -> ducks changed the transformer's style vector only: no model was loaded.
        var afterUpload = (await LiveTestSupport.TryStatusAsync(http, port))!.Value;
        Assert.Equal(1, afterUpload.GetProperty("style_vector_switches").GetInt64());
        var styles = JsonDocument.Parse(await http.GetStringAsync(url + "styles")).RootElement;
        var ducks = styles.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "ducks");
        Assert.Equal("picture", ducks.GetProperty("kind").GetString());
        Assert.Equal("thumb/ducks", ducks.GetProperty("thumbnail").GetString());
        Assert.True(ducks.GetProperty("palette").GetArrayLength() > 0);

        using (var again = await http.PostAsync(url + "styles/upload?name=ducks", new ByteArrayContent(picture)))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        live.Signal("INT");
        var result = await live.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
