using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VideoStyler.Live;

/// <summary>
/// The live control endpoint (HttpListener): GET / (a page listing the styles with the MJPEG preview),
/// GET /status (JSON), GET /styles (JSON), GET /thumb/NAME (a style's thumbnail), GET /preview.mjpg,
/// GET /snapshot.jpg, POST /style, /strength, /temporal, /pause, POST /styles/upload?name=NAME (a picture
/// as the body: saved as a new picture style in the user style folder and switched to). Binds to loopback
/// unless told otherwise; then every request needs the token (Authorization: Bearer TOKEN, or ?token=TOKEN).
/// Without a token, state-changing requests from other origins are refused (<see cref="RequestOriginPolicy"/>),
/// and every value is checked (<see cref="ControlValues"/>: finite numbers, listed style names only).
/// </summary>
internal sealed class ControlServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly LiveSession _session;
    private readonly string? _token;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _requests = [];
    private readonly Lock _gate = new();
    private Task _loop = Task.CompletedTask;

    private readonly RequestOriginPolicy _policy;

    private ControlServer(LiveSession session, string? token, string url, string host)
    {
        _session = session;
        _token = token;
        Url = url;
        _policy = new RequestOriginPolicy(host);
    }

    /// <summary>Where the page is, e.g. http://127.0.0.1:8090/.</summary>
    public string Url { get; }

    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    public static ControlServer Start(LiveSession session, string host, int port, string? token)
    {
        if (!IsLoopback(host) && string.IsNullOrEmpty(token))
        {
            throw new UserFacingException($"live: the control endpoint on {host} is reachable from other machines; give --token");
        }

        var any = host is "0.0.0.0" or "::" or "*" or "+";
        var prefixHost = any ? "+" : host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        var url = string.Create(CultureInfo.InvariantCulture, $"http://{(any ? "127.0.0.1" : prefixHost)}:{port}/");
        var server = new ControlServer(session, token, url, host);
        server._listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://{prefixHost}:{port}/"));
        try
        {
            server._listener.Start();
        }
        catch (Exception ex) when (ex is HttpListenerException or System.Net.Sockets.SocketException)
        {
            throw new UserFacingException($"live: cannot listen on {host}:{port} for the control endpoint ({ex.Message})");
        }

        server._loop = server.AcceptLoopAsync();
        return server;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var task = Task.Run(() => HandleAsync(context));
            lock (_gate)
            {
                _requests.RemoveAll(t => t.IsCompleted);
                _requests.Add(task);
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            if (!Authorized(request))
            {
                await SendAsync(response, 401, "text/plain; charset=utf-8", "unauthorized: give the token (Authorization: Bearer TOKEN or ?token=TOKEN)\n");
                return;
            }

            if (_policy.Refusal(
                    request.HttpMethod,
                    request.Headers["Host"],
                    request.Headers["Origin"],
                    request.Headers["Sec-Fetch-Site"],
                    request.ContentType,
                    carriesToken: !string.IsNullOrEmpty(_token)) is { } refusal)
            {
                await SendAsync(response, 403, "text/plain; charset=utf-8", refusal + "\n");
                return;
            }

            var path = request.Url?.AbsolutePath ?? "/";
            switch (request.HttpMethod, path)
            {
                case ("GET", "/"):
                case ("GET", "/index.html"):
                    var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
                    // Only the page's own script and style run: no inline handler, injected or not.
                    response.Headers["Content-Security-Policy"] = $"default-src 'self'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src 'self'";
                    response.Headers["X-Content-Type-Options"] = "nosniff";
                    await SendAsync(response, 200, "text/html; charset=utf-8", ControlPage.Render(Catalog().All(), _session.StyleName, nonce));
                    break;
                case ("GET", "/status"):
                    await SendJsonAsync(response, 200, _session.Status(recent: true));
                    break;
                case ("GET", "/styles"):
                    await SendJsonAsync(response, 200, StylesJson());
                    break;
                case ("GET", "/preview.mjpg"):
                    await StreamMjpegAsync(response);
                    break;
                case ("GET", "/snapshot.jpg"):
                    await SnapshotAsync(response);
                    break;
                case ("POST", "/style"):
                    await SwitchStyleAsync(request, response);
                    break;
                case ("POST", "/styles/upload"):
                    await UploadStyleAsync(request, response);
                    break;
                case ("GET", _) when path.StartsWith("/thumb/", StringComparison.Ordinal):
                    await ThumbnailAsync(response, Uri.UnescapeDataString(path["/thumb/".Length..]));
                    break;
                case ("POST", "/strength"):
                    await SetAsync(request, response, "strength", v => _session.Controls.Strength = ControlValues.Number(v, "strength", 0, 1));
                    break;
                case ("POST", "/temporal"):
                    await SetAsync(request, response, "temporal", v => _session.Controls.Temporal = ControlValues.Boolean(v, !_session.Controls.Temporal));
                    break;
                case ("POST", "/pause"):
                    await SetAsync(request, response, "paused", v => _session.Controls.Paused = ControlValues.Boolean(v, !_session.Controls.Paused));
                    break;
                default:
                    await SendAsync(response, 404, "text/plain; charset=utf-8", $"no such endpoint: {request.HttpMethod} {path}\n");
                    break;
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away (or we are stopping): nothing to answer.
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
    }

    private bool Authorized(HttpListenerRequest request)
    {
        if (string.IsNullOrEmpty(_token))
        {
            return true;
        }

        var given = request.Headers["Authorization"] is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : request.QueryString["token"];
        return given is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(_token));
    }

    private Styles.StyleCatalog Catalog() =>
        new(Styles.StyleCatalog.UserStylesFolder(), Styles.StyleCatalog.FindShippedStylesFolder(), _session.Options.Library);

    private JsonArray StylesJson()
    {
        var list = new JsonArray();
        foreach (var style in Catalog().All())
        {
            var tags = new JsonObject();
            foreach (var (key, value) in style.Tags)
            {
                tags[key] = value;
            }

            var palette = new JsonArray();
            foreach (var colour in style.Palette)
            {
                palette.Add(new JsonObject { ["hex"] = colour.Hex, ["share"] = colour.Share });
            }

            list.Add(new JsonObject
            {
                ["name"] = style.Name,
                ["kind"] = style.Kind == Styles.StyleKind.Picture ? "picture" : "network",
                ["title"] = style.Title,
                ["tags"] = tags,
                ["palette"] = palette,
                ["thumbnail"] = style.ThumbnailPath is null ? null : "thumb/" + Uri.EscapeDataString(style.Name),
                ["origin"] = style.Origin,
            });
        }

        return list;
    }

    private async Task ThumbnailAsync(HttpListenerResponse response, string name)
    {
        var style = Catalog().FindPicture(name);
        if (style?.ThumbnailPath is not { } path || !File.Exists(path))
        {
            await SendAsync(response, 404, "text/plain; charset=utf-8", $"no thumbnail for style '{name}'\n");
            return;
        }

        var bytes = await File.ReadAllBytesAsync(path);
        response.StatusCode = 200;
        response.ContentType = "image/jpeg";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes, _stop.Token);
    }

    /// <summary>The body is a picture: it becomes the picture style NAME in the user style folder, and the live style switches to it.</summary>
    private async Task UploadStyleAsync(HttpListenerRequest request, HttpListenerResponse response)
    {
        const long maxBytes = 32L << 20;
        var name = request.QueryString["name"]?.Trim() ?? "";
        if (name.Length == 0 || name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            await SendJsonAsync(response, 400, new JsonObject { ["error"] = "give the new style a name (?name=NAME: letters, digits, - and _)" });
            return;
        }

        if (request.ContentLength64 > maxBytes)
        {
            await SendJsonAsync(response, 413, new JsonObject { ["error"] = $"the picture is over {maxBytes >> 20} MB" });
            return;
        }

        var catalog = Catalog();
        if (catalog.Find(name) is not null)
        {
            await SendJsonAsync(response, 409, new JsonObject { ["error"] = $"a style named '{name}' already exists" });
            return;
        }

        var upload = Path.Combine(Path.GetTempPath(), $"videostyler-upload-{Guid.NewGuid():N}");
        try
        {
            await using (var file = File.Create(upload))
            {
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await request.InputStream.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        throw new UserFacingException($"the picture is over {maxBytes >> 20} MB");
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }

            await Task.Run(() =>
            {
                using var predictor = Stylize.Arbitrary.StylePredictor.Load(intraOpThreads: 1);
                Styles.StyleMaker.Create(
                    new Styles.StyleManifest { Name = name, Title = name, Source = "uploaded on the live page" },
                    upload,
                    catalog.UserFolder,
                    predictor.Predict,
                    force: false);
            });
            var switched = await _session.SwitchStyleAsync(name);
            await SendJsonAsync(response, 200, new JsonObject { ["style"] = switched, ["added"] = name, ["status"] = "switching at the next keyframe" });
        }
        catch (UserFacingException ex)
        {
            await SendJsonAsync(response, 400, new JsonObject { ["error"] = ex.Message });
        }
        finally
        {
            File.Delete(upload);
        }
    }

    private async Task SwitchStyleAsync(HttpListenerRequest request, HttpListenerResponse response)
    {
        var style = await ReadValueAsync(request, "style");
        if (string.IsNullOrWhiteSpace(style))
        {
            await SendJsonAsync(response, 400, new JsonObject { ["error"] = "give a style name (GET /styles) in the body" });
            return;
        }

        try
        {
            // Names from the listed styles only: a path would let any caller probe which files exist.
            var name = await _session.SwitchStyleAsync(ControlValues.StyleName(style, Catalog().All().Select(s => s.Name).ToList()));
            await SendJsonAsync(response, 200, new JsonObject { ["style"] = name, ["status"] = "switching at the next keyframe" });
        }
        catch (UserFacingException ex)
        {
            await SendJsonAsync(response, 400, new JsonObject { ["error"] = ex.Message });
        }
    }

    private async Task SetAsync(HttpListenerRequest request, HttpListenerResponse response, string key, Action<string> apply)
    {
        var value = (await ReadValueAsync(request, key))?.Trim() ?? "";
        try
        {
            apply(value);
        }
        catch (UserFacingException ex)
        {
            await SendJsonAsync(response, 400, new JsonObject { ["error"] = ex.Message });
            return;
        }

        await SendJsonAsync(response, 200, new JsonObject
        {
            ["strength"] = Math.Round(_session.Controls.Strength, 3),
            ["temporal"] = _session.Controls.Temporal,
            ["paused"] = _session.Controls.Paused,
        });
    }

    /// <summary>The value from ?value=, a JSON body {"key": v}, a form body key=v, or a plain-text body.</summary>
    private static async Task<string?> ReadValueAsync(HttpListenerRequest request, string key)
    {
        if (request.QueryString["value"] is { } query)
        {
            return query;
        }

        string body;
        using (var reader = new StreamReader(request.InputStream, request.ContentEncoding ?? Encoding.UTF8))
        {
            var buffer = new char[64 * 1024];
            var read = await reader.ReadBlockAsync(buffer, 0, buffer.Length);
            body = new string(buffer, 0, read).Trim();
        }

        if (body.StartsWith('{'))
        {
            try
            {
                var json = JsonNode.Parse(body) as JsonObject;
                var node = json?[key] ?? json?["value"] ?? json?.FirstOrDefault().Value;
                return node?.ToString();
            }
            catch (JsonException)
            {
                return null;
            }
        }

        if (body.StartsWith(key + "=", StringComparison.Ordinal))
        {
            return WebUtility.UrlDecode(body[(key.Length + 1)..]);
        }

        return body;
    }

    private async Task StreamMjpegAsync(HttpListenerResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "multipart/x-mixed-replace; boundary=frame";
        response.SendChunked = true;
        response.Headers["Cache-Control"] = "no-cache";
        using var watching = _session.Mjpeg.Watch();
        var output = response.OutputStream;
        while (!_stop.IsCancellationRequested)
        {
            byte[] jpeg;
            try
            {
                jpeg = await _session.Mjpeg.NextAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                return;
            }

            var header = Encoding.ASCII.GetBytes(string.Create(
                CultureInfo.InvariantCulture, $"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: {jpeg.Length}\r\n\r\n"));
            await output.WriteAsync(header, _stop.Token);
            await output.WriteAsync(jpeg, _stop.Token);
            await output.WriteAsync("\r\n"u8.ToArray(), _stop.Token);
            await output.FlushAsync(_stop.Token);
        }
    }

    private async Task SnapshotAsync(HttpListenerResponse response)
    {
        using var watching = _session.Mjpeg.Watch();
        byte[] jpeg;
        try
        {
            jpeg = await _session.Mjpeg.NextAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            await SendAsync(response, 503, "text/plain; charset=utf-8", "no frame yet\n");
            return;
        }

        response.StatusCode = 200;
        response.ContentType = "image/jpeg";
        response.ContentLength64 = jpeg.Length;
        await response.OutputStream.WriteAsync(jpeg, _stop.Token);
    }

    private static Task SendJsonAsync(HttpListenerResponse response, int status, JsonNode json) =>
        SendAsync(response, status, "application/json", json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    private static async Task SendAsync(HttpListenerResponse response, int status, string contentType, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.Headers["Cache-Control"] = "no-cache";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _requests];
        }

        await Task.WhenAny(Task.WhenAll(pending), Task.Delay(TimeSpan.FromSeconds(3)));
        _listener.Close();
    }
}
