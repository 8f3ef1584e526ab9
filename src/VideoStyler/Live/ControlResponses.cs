using Microsoft.AspNetCore.Http;

namespace VideoStyler.Live;

/// <summary>How the control server writes its answers: a status, a content type, never cached.</summary>
internal static class ControlResponses
{
    /// <summary>Plain text.</summary>
    public static Task TextAsync(HttpContext context, int status, string text) =>
        WriteAsync(context, status, "text/plain; charset=utf-8", text);

    /// <summary>JSON made by <see cref="ControlJson"/>.</summary>
    public static Task JsonAsync(HttpContext context, int status, string json) =>
        WriteAsync(context, status, "application/json", json);

    /// <summary>Any text with its content type.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string contentType, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-cache";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Bytes (a JPEG) with their content type.</summary>
    public static async Task BytesAsync(HttpContext context, string contentType, byte[] bytes)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }
}
