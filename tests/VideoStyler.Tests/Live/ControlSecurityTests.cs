using System.Net;
using System.Text;
using System.Text.Json;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Live;

/// <summary>
/// The live control endpoint against a hostile web page and hostile values: cross-site requests that
/// need no preflight, NaN and infinity, style paths instead of names, a model file name that is a script.
/// One real live run answers all of them.
/// </summary>
public class ControlSecurityTests
{
    private const string Evil = "http://evil.example";

    // A file name that closes the quote of an inline onclick handler and runs a script.
    private const string ScriptName = "x');document.title=('pwned";

    [Fact]
    public async Task Control_endpoint_refuses_cross_site_changes_bad_numbers_and_style_paths()
    {
        using var temp = new TempFolder();
        var models = temp.Path;
        File.CreateSymbolicLink(Path.Combine(models, "candy.onnx"), TestPaths.SharedModel("candy.onnx"));
        File.CreateSymbolicLink(Path.Combine(models, ScriptName + ".onnx"), TestPaths.SharedModel("candy.onnx"));
        // Port 0: live binds a port the system picks and prints it (no check-then-use of a "free" port).
        var (live, controlPort) = await LiveControl.StartAsync([
            "live", "--input", TestPaths.SharedData("help.mkv"), "--loop", "--video-size", "320x240", "--output", "preview",
            "--models-dir", models, "--duration", "120",
        ]);
        using var running = live;
        var url = $"http://127.0.0.1:{controlPort}/";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await LiveTestSupport.WaitForStatusAsync(http, controlPort, live, s => LiveTestSupport.Get(s, "frames_out") >= 5, "5 frames out", 40);

        // A page on another site posting with a "simple" content type (no preflight) changes nothing.
        foreach (var (what, value) in new[] { ("pause", "true"), ("strength", "0.2"), ("style", "candy"), ("temporal", "false") })
        {
            using var crossSite = await PostAsync(http, url + what, value, "text/plain", Evil);
            Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        }

        // A browser must send JSON (which needs a preflight), even from the page's own origin.
        using (var formPost = await PostAsync(http, url + "pause", "paused=true", "application/x-www-form-urlencoded", $"http://127.0.0.1:{controlPort}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, formPost.StatusCode);
        }

        var status = (await LiveTestSupport.TryStatusAsync(http, controlPort))!.Value;
        Assert.False(status.GetProperty("paused").GetBoolean());
        Assert.Equal(1.0, status.GetProperty("strength").GetDouble());
        Assert.True(status.GetProperty("temporal").GetBoolean());

        // Numbers must be finite.
        foreach (var bad in new[] { "NaN", "Infinity", "-Infinity", "1e999" })
        {
            using var answer = await PostAsync(http, url + "strength", bad, "text/plain", origin: null);
            Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        }

        using (var statusAfter = await http.GetAsync(url + "status"))
        {
            using var json = JsonDocument.Parse(await statusAfter.Content.ReadAsStringAsync());
            Assert.Equal(1.0, json.RootElement.GetProperty("strength").GetDouble());
        }

        // Styles by listed name only: a path (existing or not) is refused with the same answer.
        var existing = await PostAsync(http, url + "style", TestPaths.SharedModel("candy.onnx"), "text/plain", origin: null);
        var missing = await PostAsync(http, url + "style", "/no/such/model.onnx", "text/plain", origin: null);
        Assert.Equal(HttpStatusCode.BadRequest, existing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(
            (await existing.Content.ReadAsStringAsync()).Replace(TestPaths.SharedModel("candy.onnx"), "P", StringComparison.Ordinal),
            (await missing.Content.ReadAsStringAsync()).Replace("/no/such/model.onnx", "P", StringComparison.Ordinal));

        // The page's own way (same origin, JSON) works.
        using (var sameOrigin = await PostAsync(http, url + "strength", "{\"value\": 0.5}", "application/json", $"http://127.0.0.1:{controlPort}"))
        {
            Assert.True(sameOrigin.IsSuccessStatusCode, await sameOrigin.Content.ReadAsStringAsync());
        }

        using (var style = await PostAsync(http, url + "style", "{\"value\": \"candy\"}", "application/json", $"http://127.0.0.1:{controlPort}"))
        {
            Assert.True(style.IsSuccessStatusCode, await style.Content.ReadAsStringAsync());
        }

        // The page carries names as data, never inside inline script.
        var page = await http.GetStringAsync(url);
        Assert.DoesNotContain("onclick", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onchange", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ScriptName, page, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(ScriptName), page, StringComparison.Ordinal);

        live.Signal("INT");
        var result = await live.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("unexpected failure", result.StdErr);
        existing.Dispose();
        missing.Dispose();
    }

    [Fact]
    public async Task With_a_token_any_scheme_case_works_and_the_token_allows_other_origins()
    {
        var (live, controlPort) = await LiveControl.StartAsync([
            "live", "--input", TestPaths.SharedData("help.mkv"), "--loop", "--video-size", "320x240", "--output", "preview",
            "--token", "s3cret", "--duration", "120",
        ]);
        using var running = live;
        var url = $"http://127.0.0.1:{controlPort}/";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var until = DateTime.UtcNow.AddSeconds(40);
        HttpStatusCode? anonymous = null;
        while (DateTime.UtcNow < until && anonymous is null)
        {
            Assert.False(live.HasExited, live.Output());
            try
            {
                using var first = await http.GetAsync(url + "status");
                anonymous = first.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(300);
            }
        }

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        foreach (var scheme in new[] { "Bearer", "bearer", "BEARER" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url + "status");
            request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} s3cret");
            using var answer = await http.SendAsync(request);
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{scheme}: {(int)answer.StatusCode}");
        }

        using (var request = new HttpRequestMessage(HttpMethod.Post, url + "pause") { Content = new StringContent("true", Encoding.UTF8, "text/plain") })
        {
            request.Headers.Add("Origin", Evil);
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer s3cret");
            using var answer = await http.SendAsync(request);
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        }

        // Ctrl-C once frames flow (a run stopped before its first frame is an error by design).
        while (DateTime.UtcNow < until)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url + "status");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer s3cret");
            using var answer = await http.SendAsync(request);
            using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            if (json.RootElement.GetProperty("frames_out").GetInt64() >= 5)
            {
                break;
            }

            await Task.Delay(200);
        }

        live.Signal("INT");
        var result = await live.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string url, string body, string contentType, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await http.SendAsync(request);
    }
}
