using Microsoft.AspNetCore.Http;

namespace VideoStyler.Live;

/// <summary>
/// Middleware: <see cref="RequestOriginPolicy"/> on every request. A foreign Host (DNS rebinding) is refused,
/// and so is a state-changing request from another origin or with a content type a browser may send
/// cross-site without a preflight, unless the request carried the token (403 with the reason).
/// </summary>
internal sealed class ControlOriginCheck
{
    private readonly RequestOriginPolicy _policy;
    private readonly bool _tokenChecked;

    /// <param name="boundHost">The host the server listens on.</param>
    /// <param name="tokenChecked">A token is required (and checked before this): every request here carried it.</param>
    public ControlOriginCheck(string boundHost, bool tokenChecked)
    {
        _policy = new RequestOriginPolicy(boundHost);
        _tokenChecked = tokenChecked;
    }

    /// <summary>Answers 403 with the reason to a refused request; passes the others on.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var headers = request.Headers;
        var refusal = _policy.Refusal(
            request.Method,
            headers.Host.Count == 0 ? null : headers.Host.ToString(),
            headers.Origin.Count == 0 ? null : headers.Origin.ToString(),
            headers["Sec-Fetch-Site"] is { Count: > 0 } site ? site.ToString() : null,
            request.ContentType,
            carriesToken: _tokenChecked);
        return refusal is null
            ? next(context)
            : ControlResponses.TextAsync(context, StatusCodes.Status403Forbidden, refusal + "\n");
    }
}
