using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace VideoStyler.Tests.Live;

/// <summary>
/// The control server's pipeline in process (TestServer, the same middleware and endpoints Kestrel serves):
/// the token, the origin policy against cross-site requests and DNS rebinding, the values it refuses, and the page.
/// </summary>
public partial class ControlEndpointTests
{
    private const string Evil = "http://evil.example";
    private const string Own = "http://localhost";

    [Fact]
    public async Task A_cross_origin_post_is_refused_and_changes_nothing()
    {
        await using var host = await ControlAppHost.StartAsync(token: null);
        using var http = host.Client();

        foreach (var (what, body, type) in new[]
                 {
                     ("strength", "0.2", "text/plain"), ("pause", "true", "text/plain"),
                     ("strength", "{\"value\": 0.2}", "application/json"), ("style", "{\"value\": \"toon\"}", "application/json"),
                 })
        {
            using var answer = await PostAsync(http, what, body, type, Evil);
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
            Assert.Contains("another origin", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A browser on the page's own origin must still send JSON (a form needs no preflight).
        using (var form = await PostAsync(http, "pause", "paused=true", "application/x-www-form-urlencoded", Own))
        {
            Assert.Equal(HttpStatusCode.Forbidden, form.StatusCode);
        }

        Assert.Equal(1.0, host.Surface.Controls.Strength);
        Assert.False(host.Surface.Controls.Paused);

        // The page's own way works.
        using var same = await PostAsync(http, "strength", "{\"value\": 0.25}", "application/json", Own);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        using var json = JsonDocument.Parse(await same.Content.ReadAsStringAsync());
        Assert.Equal(0.25, json.RootElement.GetProperty("strength").GetDouble());
        Assert.True(json.RootElement.GetProperty("temporal").GetBoolean());
        Assert.False(json.RootElement.GetProperty("paused").GetBoolean());
        Assert.Equal(0.25, host.Surface.Controls.Strength);
    }

    [Fact]
    public async Task With_a_token_a_wrong_or_missing_one_gets_401_and_the_right_one_works_from_anywhere()
    {
        await using var host = await ControlAppHost.StartAsync(token: "s3cret");
        using var http = host.Client();

        using (var missing = await http.GetAsync(new Uri("status", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        }

        foreach (var wrong in new[] { "Bearer s3cre", "Bearer s3cret2", "Basic s3cret", "s3cret" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "status");
            request.Headers.TryAddWithoutValidation("Authorization", wrong);
            using var answer = await http.SendAsync(request);
            Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized, $"{wrong}: {(int)answer.StatusCode}");
        }

        using (var wrongQuery = await http.GetAsync(new Uri("status?token=nope", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongQuery.StatusCode);
        }

        // Refused before anything changes, whatever the body.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "pause") { Content = new StringContent("true", Encoding.UTF8, "text/plain") })
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer wrong");
            using var answer = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }

        Assert.False(host.Surface.Controls.Paused);

        foreach (var scheme in new[] { "Bearer", "bearer", "BEARER" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "status");
            request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} s3cret");
            using var answer = await http.SendAsync(request);
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{scheme}: {(int)answer.StatusCode}");
        }

        using (var query = await http.GetAsync(new Uri("status?token=s3cret", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        }

        // The token lets a request from another origin change the run (a tool that was given it).
        using (var request = new HttpRequestMessage(HttpMethod.Post, "pause") { Content = new StringContent("true", Encoding.UTF8, "text/plain") })
        {
            request.Headers.Add("Origin", Evil);
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer s3cret");
            using var answer = await http.SendAsync(request);
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        }

        Assert.True(host.Surface.Controls.Paused);

        // A listed style switches (the real model thread gets a new toon stylizer).
        using (var request = new HttpRequestMessage(HttpMethod.Post, "style") { Content = new StringContent("{\"value\": \"toon\"}", Encoding.UTF8, "application/json") })
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer s3cret");
            using var answer = await http.SendAsync(request);
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == HttpStatusCode.OK, body);
            using var json = JsonDocument.Parse(body);
            Assert.Equal("toon", json.RootElement.GetProperty("style").GetString());
            Assert.Equal("switching at the next keyframe", json.RootElement.GetProperty("status").GetString());
            Assert.False(json.RootElement.TryGetProperty("added", out _));
        }
    }

    [Theory]
    [InlineData("GET", "/status")]
    [InlineData("GET", "/")]
    [InlineData("POST", "/strength")]
    public async Task A_foreign_host_is_refused(string method, string path)
    {
        await using var host = await ControlAppHost.StartAsync(token: null);

        // DNS rebinding: a name the attacker controls now points at 127.0.0.1; the browser sends its Host.
        var context = await host.Server.SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Path = path;
            c.Request.Host = new HostString("rebound.evil.example", 8090);
            c.Request.ContentType = "application/json";
            c.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("{\"value\": 0.1}"));
        });

        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        Assert.Equal(1.0, host.Surface.Controls.Strength);
    }

    [Theory]
    [InlineData("strength", "{\"value\": NaN}")]
    [InlineData("strength", "{\"value\": \"NaN\"}")]
    [InlineData("strength", "{\"strength\": \"Infinity\"}")]
    [InlineData("strength", "{\"value\": 1e999}")]
    [InlineData("strength", "{\"value\": 1.5}")]
    [InlineData("temporal", "{\"value\": \"sometimes\"}")]
    [InlineData("style", "{\"value\": \"no-such-style\"}")]
    [InlineData("style", "{\"value\": \"../toon\"}")]
    [InlineData("style", "{\"value\": \"/etc/passwd\"}")]
    [InlineData("style", "{}")]
    public async Task Json_bodies_with_bad_numbers_or_unknown_styles_are_refused(string what, string body)
    {
        await using var host = await ControlAppHost.StartAsync(token: null);
        using var http = host.Client();

        using var answer = await PostAsync(http, what, body, "application/json", Own);

        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{(int)answer.StatusCode} {text}");
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error").GetString()));
        Assert.Equal(1.0, host.Surface.Controls.Strength);
        Assert.True(host.Surface.Controls.Temporal);
        Assert.Equal("toon", host.Surface.Styles.Current);
    }

    [Fact]
    public async Task The_page_has_no_inline_handler_and_its_script_carries_the_csp_nonce()
    {
        await using var host = await ControlAppHost.StartAsync(token: null);
        using var http = host.Client();

        using var answer = await http.GetAsync(new Uri("/", UriKind.Relative));
        var page = await answer.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("text/html", answer.Content.Headers.ContentType?.MediaType);
        var csp = Assert.Single(answer.Headers.GetValues("Content-Security-Policy"));
        var nonce = NonceInPolicy().Match(csp);
        Assert.True(nonce.Success, csp);
        Assert.Contains($"style-src 'nonce-{nonce.Groups["nonce"].Value}'", csp, StringComparison.Ordinal);
        Assert.Contains($"<script nonce=\"{nonce.Groups["nonce"].Value}\">", page, StringComparison.Ordinal);
        Assert.Equal(1, page.Split("<script", StringSplitOptions.None).Length - 1);
        Assert.DoesNotMatch(InlineHandler(), page);
        Assert.Contains("data-style=\"toon\"", page, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(answer.Headers.GetValues("X-Content-Type-Options")));
        Assert.False(answer.Headers.Contains("Server"));

        // A fresh nonce for every page.
        using var again = await http.GetAsync(new Uri("/index.html", UriKind.Relative));
        Assert.DoesNotContain(nonce.Groups["nonce"].Value, Assert.Single(again.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_paths_and_wrong_methods_get_404_and_uploads_check_the_name_first()
    {
        await using var host = await ControlAppHost.StartAsync(token: null);
        using var http = host.Client();

        foreach (var (method, path) in new[] { ("GET", "/nothing"), ("GET", "/style"), ("POST", "/status"), ("GET", "/thumb/toon") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var answer = await http.SendAsync(request);
            Assert.True(answer.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)answer.StatusCode}");
        }

        using (var styles = await http.GetAsync(new Uri("styles", UriKind.Relative)))
        {
            using var json = JsonDocument.Parse(await styles.Content.ReadAsStringAsync());
            var toon = json.RootElement.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "toon");
            Assert.Equal("network", toon.GetProperty("kind").GetString());
            Assert.Equal(JsonValueKind.Null, toon.GetProperty("thumbnail").ValueKind);
        }

        using (var badName = await PostBytesAsync(http, "styles/upload?name=no%20spaces"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        }

        using (var taken = await PostBytesAsync(http, "styles/upload?name=toon"))
        {
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
            Assert.Contains("already exists", await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_upload_announced_over_32_MB_is_refused_before_it_is_read()
    {
        await using var host = await ControlAppHost.StartAsync(token: null);

        var context = await host.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = "/styles/upload";
            c.Request.QueryString = new QueryString("?name=huge");
            c.Request.ContentType = "image/jpeg";
            c.Request.ContentLength = (32L << 20) + 1;
            c.Request.Body = new MemoryStream([0xFF, 0xD8]);
        });

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, context.Response.StatusCode);
        using var reader = new StreamReader(context.Response.Body);
        Assert.Contains("over 32 MB", await reader.ReadToEndAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string what, string body, string contentType, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, what) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await http.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> PostBytesAsync(HttpClient http, string what)
    {
        using var content = new ByteArrayContent([0xFF, 0xD8, 0xFF]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
        return await http.PostAsync(new Uri(what, UriKind.Relative), content);
    }

    [GeneratedRegex("script-src 'nonce-(?<nonce>[A-Za-z0-9+/=]+)'", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex NonceInPolicy();

    [GeneratedRegex("\\son[a-z]+\\s*=", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex InlineHandler();
}
