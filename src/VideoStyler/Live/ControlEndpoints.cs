using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VideoStyler.Live;

/// <summary>
/// The control server's HTTP surface, mapped onto any <see cref="WebApplication"/> (Kestrel in a live run,
/// TestServer in tests): the token check and the origin policy as middleware, then
/// GET / (the page), /status, /styles, /thumb/NAME, /preview.mjpg, /snapshot.jpg and
/// POST /style, /styles/upload?name=NAME, /strength, /temporal, /pause; anything else is 404.
/// Each endpoint only translates HTTP to the <see cref="ControlSurface"/>.
/// </summary>
internal static class ControlEndpoints
{
    /// <summary>How long a preview request waits for a frame before it gives up.</summary>
    private static readonly TimeSpan FrameWait = TimeSpan.FromSeconds(10);

    /// <summary>Adds the middleware and the endpoints.</summary>
    /// <param name="app">The application to map onto.</param>
    /// <param name="surface">What the endpoints read and change.</param>
    /// <param name="token">Required on every request when set.</param>
    /// <param name="boundHost">The host the server listens on (a valid Host header besides loopback names).</param>
    /// <param name="stopping">Ends long answers (the MJPEG stream) when the server stops.</param>
    public static void Map(WebApplication app, ControlSurface surface, string? token, string boundHost, CancellationToken stopping)
    {
        var tokenCheck = new ControlTokenCheck(token);
        var originCheck = new ControlOriginCheck(boundHost, tokenCheck.Required);
        app.Use(next => context => tokenCheck.InvokeAsync(context, next));
        app.Use(next => context => originCheck.InvokeAsync(context, next));
        app.UseRouting();

        app.MapGet("/", context => PageAsync(context, surface));
        app.MapGet("/index.html", context => PageAsync(context, surface));
        app.MapGet("/status", context => ControlResponses.JsonAsync(context, 200, ControlJson.Status(surface.Status())));
        app.MapGet("/styles", context => ControlResponses.JsonAsync(context, 200, ControlJson.Styles(surface.Uploads.Catalog().All())));
        app.MapGet("/thumb/{name}", context => ThumbnailAsync(context, surface, (string)context.GetRouteValue("name")!));
        app.MapGet("/preview.mjpg", context => StreamMjpegAsync(context, surface.Preview, stopping));
        app.MapGet("/snapshot.jpg", context => SnapshotAsync(context, surface.Preview, stopping));
        app.MapPost("/style", context => SwitchStyleAsync(context, surface));
        app.MapPost("/styles/upload", context => UploadStyleAsync(context, surface.Uploads));
        var controls = surface.Controls;
        app.MapPost("/strength", context => SetAsync(context, controls, "strength", v => controls.Strength = ControlValues.Number(v, "strength", 0, 1)));
        app.MapPost("/temporal", context => SetAsync(context, controls, "temporal", v => controls.Temporal = ControlValues.Boolean(v, !controls.Temporal)));
        app.MapPost("/pause", context => SetAsync(context, controls, "paused", v => controls.Paused = ControlValues.Boolean(v, !controls.Paused)));
        // Every other path and method (a GET of a POST endpoint too), as the endpoint always answered.
        app.MapFallback("{*path}", context => ControlResponses.TextAsync(
            context, 404, $"no such endpoint: {context.Request.Method} {context.Request.Path}\n"));
    }

    private static Task PageAsync(HttpContext context, ControlSurface surface)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var headers = context.Response.Headers;
        // Only the page's own script and style run: no inline handler, injected or not.
        headers.ContentSecurityPolicy = $"default-src 'self'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src 'self'";
        headers.XContentTypeOptions = "nosniff";
        var page = ControlPage.Render(surface.Uploads.Catalog().All(), surface.Styles.Current, nonce);
        return ControlResponses.WriteAsync(context, 200, "text/html; charset=utf-8", page);
    }

    private static async Task ThumbnailAsync(HttpContext context, ControlSurface surface, string name)
    {
        var style = surface.Uploads.Catalog().FindPicture(name);
        if (style?.ThumbnailPath is not { } path || !File.Exists(path))
        {
            await ControlResponses.TextAsync(context, 404, $"no thumbnail for style '{name}'\n").ConfigureAwait(false);
            return;
        }

        var bytes = await File.ReadAllBytesAsync(path, context.RequestAborted).ConfigureAwait(false);
        await ControlResponses.BytesAsync(context, "image/jpeg", bytes).ConfigureAwait(false);
    }

    private static async Task SwitchStyleAsync(HttpContext context, ControlSurface surface)
    {
        var style = await ControlRequestValue.ReadAsync(context.Request, "style", context.RequestAborted).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(style))
        {
            await ControlResponses.JsonAsync(context, 400, ControlJson.Error("give a style name (GET /styles) in the body")).ConfigureAwait(false);
            return;
        }

        try
        {
            // Names from the listed styles only: a path would let any caller probe which files exist.
            var listed = surface.Uploads.Catalog().All().Select(s => s.Name).ToList();
            var name = await surface.Styles.SwitchAsync(ControlValues.StyleName(style, listed)).ConfigureAwait(false);
            await ControlResponses.JsonAsync(context, 200, ControlJson.Switched(name, added: null)).ConfigureAwait(false);
        }
        catch (UserFacingException ex)
        {
            await ControlResponses.JsonAsync(context, 400, ControlJson.Error(ex.Message)).ConfigureAwait(false);
        }
    }

    /// <summary>The body is a picture: it becomes the picture style NAME and the live style switches to it.</summary>
    private static async Task UploadStyleAsync(HttpContext context, StyleUpload uploads)
    {
        var name = context.Request.Query["name"].ToString().Trim();
        if (StyleUpload.NameProblem(name) is { } problem)
        {
            await ControlResponses.JsonAsync(context, 400, ControlJson.Error(problem)).ConfigureAwait(false);
            return;
        }

        if (context.Request.ContentLength > StyleUpload.MaxBytes)
        {
            await ControlResponses.JsonAsync(context, 413, ControlJson.Error(StyleUpload.TooLarge)).ConfigureAwait(false);
            return;
        }

        if (uploads.Exists(name))
        {
            await ControlResponses.JsonAsync(context, 409, ControlJson.Error($"a style named '{name}' already exists")).ConfigureAwait(false);
            return;
        }

        try
        {
            var switched = await uploads.AddAsync(name, context.Request.Body, context.RequestAborted).ConfigureAwait(false);
            await ControlResponses.JsonAsync(context, 200, ControlJson.Switched(switched, added: name)).ConfigureAwait(false);
        }
        catch (UserFacingException ex)
        {
            await ControlResponses.JsonAsync(context, 400, ControlJson.Error(ex.Message)).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own body limit (the same size) ended a body sent without a length.
            await ControlResponses.JsonAsync(context, 413, ControlJson.Error(StyleUpload.TooLarge)).ConfigureAwait(false);
        }
    }

    private static async Task SetAsync(HttpContext context, LiveControls controls, string key, Action<string> apply)
    {
        var value = (await ControlRequestValue.ReadAsync(context.Request, key, context.RequestAborted).ConfigureAwait(false))?.Trim() ?? "";
        try
        {
            apply(value);
        }
        catch (UserFacingException ex)
        {
            await ControlResponses.JsonAsync(context, 400, ControlJson.Error(ex.Message)).ConfigureAwait(false);
            return;
        }

        await ControlResponses.JsonAsync(context, 200, ControlJson.Controls(controls)).ConfigureAwait(false);
    }

    private static async Task StreamMjpegAsync(HttpContext context, MjpegBroadcaster preview, CancellationToken stopping)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(stopping, context.RequestAborted);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "multipart/x-mixed-replace; boundary=frame";
        response.Headers.CacheControl = "no-cache";
        using var watching = preview.Watch();
        var output = response.Body;
        try
        {
            // The headers go out at once: a viewer sees the stream open before the first frame.
            await response.StartAsync(ending.Token).ConfigureAwait(false);
            await output.FlushAsync(ending.Token).ConfigureAwait(false);
            while (!ending.IsCancellationRequested)
            {
                byte[] jpeg;
                try
                {
                    jpeg = await preview.NextAsync(ending.Token).WaitAsync(FrameWait, ending.Token).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    return;
                }

                var header = Encoding.ASCII.GetBytes(string.Create(
                    CultureInfo.InvariantCulture, $"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: {jpeg.Length}\r\n\r\n"));
                await output.WriteAsync(header, ending.Token).ConfigureAwait(false);
                await output.WriteAsync(jpeg, ending.Token).ConfigureAwait(false);
                await output.WriteAsync("\r\n"u8.ToArray(), ending.Token).ConfigureAwait(false);
                await output.FlushAsync(ending.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ending.IsCancellationRequested)
        {
            // The viewer left or the server stops: the stream just ends.
        }
    }

    private static async Task SnapshotAsync(HttpContext context, MjpegBroadcaster preview, CancellationToken stopping)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(stopping, context.RequestAborted);
        using var watching = preview.Watch();
        byte[] jpeg;
        try
        {
            jpeg = await preview.NextAsync(ending.Token).WaitAsync(FrameWait, ending.Token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await ControlResponses.TextAsync(context, 503, "no frame yet\n").ConfigureAwait(false);
            return;
        }

        await ControlResponses.BytesAsync(context, "image/jpeg", bytes: jpeg).ConfigureAwait(false);
    }
}
