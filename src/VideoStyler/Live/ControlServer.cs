using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace VideoStyler.Live;

/// <summary>
/// The live control endpoint: Kestrel, in process, bound only to the requested host (loopback by default),
/// serving <see cref="ControlEndpoints"/>: the page with the styles and the MJPEG preview, /status, /styles,
/// the style, strength, propagation and pause controls, and style uploads. A non-loopback bind needs the
/// token, which every request must then carry (Authorization: Bearer TOKEN, or ?token=TOKEN). Without a
/// token, state-changing requests from other origins are refused (<see cref="RequestOriginPolicy"/>), and
/// every value is checked (<see cref="ControlValues"/>: finite numbers, listed style names only).
/// Port 0 lets the system pick a free port; <see cref="Url"/> then has the real one.
/// </summary>
internal sealed class ControlServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stop;

    private ControlServer(WebApplication app, CancellationTokenSource stop, string url)
    {
        _app = app;
        _stop = stop;
        Url = url;
    }

    /// <summary>Where the page is, e.g. http://127.0.0.1:8090/.</summary>
    public string Url { get; }

    /// <summary>Whether <paramref name="host"/> (a name or address) is this machine only.</summary>
    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>Starts serving <paramref name="surface"/> on <paramref name="host"/>:<paramref name="port"/> (0: any free port).</summary>
    /// <exception cref="UserFacingException">A non-loopback host without a token, or the address cannot be bound.</exception>
    internal static async Task<ControlServer> StartAsync(ControlSurface surface, string host, int port, string? token)
    {
        if (!IsLoopback(host) && string.IsNullOrEmpty(token))
        {
            throw new UserFacingException($"live: the control endpoint on {host} is reachable from other machines; give --token");
        }

        var addresses = BindAddresses(host);
        var stop = new CancellationTokenSource();
        // No defaults: no configuration files or environment variables, no logging providers, no HTTPS; the
        // content root is the tool's own folder (the current one may be anything, even gone).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The largest body is a style picture; the controls cap their own bodies far lower.
            kestrel.Limits.MaxRequestBodySize = StyleUpload.MaxBytes;
            foreach (var address in addresses)
            {
                kestrel.Listen(address, port);
            }
        });
        Configure(builder);
        var app = builder.Build();
        ControlEndpoints.Map(app, surface, token, host, stop.Token);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            stop.Dispose();
            throw new UserFacingException($"live: cannot listen on {host}:{port} for the control endpoint ({ex.Message})");
        }

        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new ControlServer(app, stop, string.Create(CultureInfo.InvariantCulture, $"http://{UrlHost(host)}:{bound.Port}/"));
    }

    /// <summary>
    /// What every host of the control app needs besides its server: routing, no logging providers (nothing
    /// printed), and a lifetime that leaves Ctrl-C to the live command.
    /// </summary>
    internal static void Configure(WebApplicationBuilder builder)
    {
        builder.Services.AddRouting();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
    }

    /// <summary>The addresses to bind: the host itself, never more (a name is resolved; 0.0.0.0, ::, * and + mean every interface).</summary>
    private static IReadOnlyList<IPAddress> BindAddresses(string host)
    {
        var bare = host.Trim('[', ']');
        if (host is "0.0.0.0" or "*" or "+")
        {
            return [IPAddress.Any];
        }

        if (IPAddress.TryParse(bare, out var address))
        {
            return [address];
        }

        if (bare.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return [IPAddress.Loopback];
        }

        try
        {
            var resolved = Dns.GetHostAddresses(bare);
            return resolved.Length > 0
                ? [resolved[0]]
                : throw new UserFacingException($"live: --control-host {host} has no address");
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new UserFacingException($"live: --control-host {host} cannot be resolved ({ex.Message})");
        }
    }

    /// <summary>The host part of the page's address: the host as given, 127.0.0.1 for every interface.</summary>
    private static string UrlHost(string host) =>
        host is "0.0.0.0" or "::" or "[::]" or "*" or "+" ? "127.0.0.1"
        : host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]"
        : host;

    /// <summary>Ends the preview streams, then stops Kestrel (open requests get 3 s to finish).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
        {
            try
            {
                await _app.StopAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Kestrel aborted what was still open.
            }
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
