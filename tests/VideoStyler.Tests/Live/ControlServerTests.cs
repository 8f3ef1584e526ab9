using System.Net;
using VideoStyler.Live;

namespace VideoStyler.Tests.Live;

/// <summary>The control server on a real Kestrel socket: port 0, the address it reports, its refusals at start, and stopping with a preview stream open.</summary>
public class ControlServerTests
{
    [Fact]
    public async Task Port_0_binds_a_free_loopback_port_and_the_url_names_it()
    {
        using var surface = new ToonControlSurface();
        using var http = new HttpClient(new HttpClientHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        var server = await ControlServer.StartAsync(surface.Surface, "127.0.0.1", 0, token: null);
        try
        {
            var url = new Uri(server.Url);
            Assert.Equal("127.0.0.1", url.Host);
            Assert.NotEqual(0, url.Port);

            using var status = await http.GetAsync(new Uri(url, "status"));
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            Assert.Contains("\"style\": \"toon\"", await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(status.Headers.Contains("Server"));

            // A second server on the same port cannot start: one clear error.
            var taken = await Assert.ThrowsAsync<UserFacingException>(() => ControlServer.StartAsync(surface.Surface, "127.0.0.1", url.Port, token: null));
            Assert.Contains("cannot listen on 127.0.0.1:" + url.Port, taken.Message, StringComparison.Ordinal);

            // A viewer keeps the preview stream open (no frames come): stopping the server does not wait on it.
            using var preview = await http.GetAsync(new Uri(url, "preview.mjpg"), HttpCompletionOption.ResponseHeadersRead);
            Assert.StartsWith("multipart/x-mixed-replace", preview.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
            Assert.Equal(1, surface.Surface.Preview.Watchers);
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.Equal(0, surface.Surface.Preview.Watchers);
    }

    [Fact]
    public async Task A_non_loopback_host_needs_a_token()
    {
        using var surface = new ToonControlSurface();

        var error = await Assert.ThrowsAsync<UserFacingException>(() => ControlServer.StartAsync(surface.Surface, "0.0.0.0", 0, token: null));

        Assert.Contains("give --token", error.Message, StringComparison.Ordinal);
    }
}
