using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace VideoStyler.Live;

/// <summary>
/// Middleware: with a token configured, every request must carry it (Authorization: Bearer TOKEN, the scheme
/// in any case, or ?token=TOKEN), compared in constant time; otherwise 401. Without a token it lets all through
/// (the origin policy then guards the changes).
/// </summary>
internal sealed class ControlTokenCheck
{
    private readonly byte[]? _token;

    /// <param name="token">The token every request must carry, or null/empty for none.</param>
    public ControlTokenCheck(string? token)
    {
        _token = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);
    }

    /// <summary>Whether a token is configured (then every request that passes carried it).</summary>
    public bool Required => _token is not null;

    /// <summary>Answers 401 to a request without the right token; passes the others on.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (Carries(context.Request))
        {
            return next(context);
        }

        return ControlResponses.TextAsync(
            context, StatusCodes.Status401Unauthorized, "unauthorized: give the token (Authorization: Bearer TOKEN or ?token=TOKEN)\n");
    }

    private bool Carries(HttpRequest request)
    {
        if (_token is null)
        {
            return true;
        }

        const string scheme = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        string? given = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            ? header[scheme.Length..].Trim()
            : request.Query.TryGetValue("token", out var query) ? query.ToString() : null;
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _token);
    }
}
