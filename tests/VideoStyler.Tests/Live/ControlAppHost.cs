using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using OpenCvSharp;
using VideoStyler.Live;
using VideoStyler.Models;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Live;

/// <summary>
/// The control server's own pipeline (<see cref="ControlEndpoints.Map"/>: middleware and endpoints) on a
/// TestServer, in front of a real control surface: live controls, a preview broadcaster, and a style switcher
/// driving a real model thread that runs the toon style on small frames.
/// </summary>
internal sealed class ControlAppHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly KeyframeWorker _worker;
    private readonly string _models;

    private ControlAppHost(WebApplication app, KeyframeWorker worker, ControlSurface surface, string models)
    {
        _app = app;
        _worker = worker;
        Surface = surface;
        _models = models;
    }

    /// <summary>What the requests change.</summary>
    public ControlSurface Surface { get; }

    /// <summary>A client of the TestServer (base address http://localhost/).</summary>
    public HttpClient Client() => _app.GetTestClient();

    /// <summary>The TestServer itself, for requests HttpClient cannot shape (a foreign Host header).</summary>
    public TestServer Server => _app.GetTestServer();

    public static async Task<ControlAppHost> StartAsync(string? token)
    {
        var models = TestPaths.NewTempFolder();
        var options = new LiveOptions
        {
            Source = new LiveSource { Kind = LiveSourceKind.File, Target = "test", Width = 64, Height = 48, FramesPerSecond = 10 },
            Sinks = [],
            Library = StyleLibrary.CreateDefault(models),
            ProcessingSize = 48,
        };
        var styles = new StyleSwitcher(options);
        var worker = new KeyframeWorker(styles.Load("toon"), 64, 48, new Size(32, 24), new LiveStats());
        styles.Attach(worker);
        var controls = new LiveControls();
        var surface = new ControlSurface
        {
            Controls = controls,
            Preview = new MjpegBroadcaster(),
            Styles = styles,
            Uploads = new StyleUpload(options.Library, styles),
            Status = () => new System.Text.Json.Nodes.JsonObject { ["style"] = styles.Current, ["strength"] = controls.Strength },
        };

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseTestServer();
        ControlServer.Configure(builder);
        var app = builder.Build();
        ControlEndpoints.Map(app, surface, token, "127.0.0.1", CancellationToken.None);
        await app.StartAsync();
        return new ControlAppHost(app, worker, surface, models);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _worker.Dispose();
        Directory.Delete(_models, recursive: true);
    }
}
