using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace VideoStyler.Live;

/// <summary>
/// The one value a control request sets, wherever the client put it: ?value=, a JSON body {"key": v}
/// (or {"value": v}, or the first member), a form body key=v, or a plain-text body.
/// </summary>
internal static class ControlRequestValue
{
    /// <summary>Control bodies are one small value: anything longer is cut here.</summary>
    public const int MaxChars = 64 * 1024;

    /// <summary>The value for <paramref name="key"/>, or null when a JSON body could not be read.</summary>
    public static async Task<string?> ReadAsync(HttpRequest request, string key, CancellationToken cancellationToken)
    {
        if (request.Query.TryGetValue("value", out var query))
        {
            return query.ToString();
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxChars * 4L;
        }

        string body;
        var encoding = request.GetTypedHeaders().ContentType?.Encoding ?? Encoding.UTF8;
        using (var reader = new StreamReader(request.Body, encoding, detectEncodingFromByteOrderMarks: false, leaveOpen: true))
        {
            var buffer = new char[MaxChars];
            var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            body = new string(buffer, 0, read).Trim();
        }

        if (body.StartsWith('{'))
        {
            return FromJson(body, key);
        }

        if (body.StartsWith(key + "=", StringComparison.Ordinal))
        {
            return WebUtility.UrlDecode(body[(key.Length + 1)..]);
        }

        return body;
    }

    private static string? FromJson(string body, string key)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var root = json.RootElement;
            if (root.TryGetProperty(key, out var named) || root.TryGetProperty("value", out named))
            {
                return Text(named);
            }

            foreach (var first in root.EnumerateObject())
            {
                return Text(first.Value);
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };
}
