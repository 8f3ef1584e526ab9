using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using VideoStyler.Live;

namespace VideoStyler.Tests.Live;

/// <summary>
/// The control server's own pipeline (<see cref="ControlEndpoints.Map"/>: middleware and endpoints) on a
/// TestServer, in front of a real control surface (<see cref="ToonControlSurface"/>).
/// </summary>
internal sealed class ControlAppHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ToonControlSurface _surface;

    private ControlAppHost(WebApplication app, ToonControlSurface surface)
    {
        _app = app;
        _surface = surface;
    }

    /// <summary>What the requests change.</summary>
    public ControlSurface Surface => _surface.Surface;

    /// <summary>The TestServer itself, for requests HttpClient cannot shape (a foreign Host header).</summary>
    public TestServer Server => _app.GetTestServer();

    /// <summary>A client of the TestServer (base address http://localhost/).</summary>
    public HttpClient Client() => _app.GetTestClient();

    public static async Task<ControlAppHost> StartAsync(string? token)
    {
        var surface = new ToonControlSurface();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseTestServer();
        ControlServer.Configure(builder);
        var app = builder.Build();
        ControlEndpoints.Map(app, surface.Surface, token, "127.0.0.1", CancellationToken.None);
        await app.StartAsync();
        return new ControlAppHost(app, surface);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _surface.Dispose();
    }
}
