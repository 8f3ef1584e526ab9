using System.Net;

namespace VideoStyler.Live;

/// <summary>
/// Who may change a live run through the control endpoint. A web page the streamer has open can send
/// requests to 127.0.0.1 too: a POST with a "simple" content type (text/plain, a form) needs no CORS
/// preflight and would take effect. So, unless the request carries the token, a state-changing request
/// is refused when it comes from another origin (Origin or Sec-Fetch-Site say so), when a browser sends it
/// with a content type other than application/json or a picture's (which need a preflight, and none is ever granted),
/// or when its Host is not this server's (DNS rebinding). Tools without an Origin (curl, scripts) are
/// not browsers and pass. Free of HttpListener types so another server can use it as it is.
/// </summary>
internal sealed class RequestOriginPolicy
{
    private readonly HashSet<string> _hosts;

    /// <param name="boundHost">The host the server listens on (its own name is always a valid Host).</param>
    public RequestOriginPolicy(string boundHost)
    {
        _hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost", boundHost.Trim('[', ']') };
    }

    /// <summary>Methods that only read.</summary>
    public static bool IsSafeMethod(string method) => method is "GET" or "HEAD" or "OPTIONS";

    /// <summary>Why the request is refused (a one-line reason for a 403), or null when it may go on.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="host">The Host header (host[:port]).</param>
    /// <param name="origin">The Origin header, if any.</param>
    /// <param name="fetchSite">The Sec-Fetch-Site header, if any.</param>
    /// <param name="contentType">The Content-Type header, if any.</param>
    /// <param name="carriesToken">The request came with the configured token.</param>
    public string? Refusal(string method, string? host, string? origin, string? fetchSite, string? contentType, bool carriesToken)
    {
        if (carriesToken)
        {
            return null;
        }

        if (!KnownHost(host))
        {
            return $"refused: Host '{host}' is not this server (use http://127.0.0.1 or localhost)";
        }

        if (IsSafeMethod(method))
        {
            return null;
        }

        if (origin is not null && !SameOrigin(origin, host!))
        {
            return $"refused: a request from another origin ({origin}) cannot change the run without the token";
        }

        if (fetchSite is not null && fetchSite is not ("same-origin" or "none"))
        {
            return $"refused: a {fetchSite} request cannot change the run without the token";
        }

        var fromBrowser = origin is not null || fetchSite is not null;
        if (fromBrowser && !NeedsPreflight(contentType))
        {
            return "refused: send changes as application/json (a picture upload as its image/* type)";
        }

        return null;
    }

    private bool KnownHost(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        var name = HostName(host);
        return _hosts.Contains(name) || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>The host part of host[:port] or [v6]:port.</summary>
    private static string HostName(string host)
    {
        if (host.StartsWith('['))
        {
            var end = host.IndexOf(']', StringComparison.Ordinal);
            return end > 0 ? host[1..end] : host;
        }

        var colon = host.LastIndexOf(':');
        return colon > 0 ? host[..colon] : host;
    }

    private static bool SameOrigin(string origin, string host) =>
        string.Equals(origin.TrimEnd('/'), "http://" + host, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// JSON, or a picture (the page's style upload): content types a browser may send to another origin only
    /// after a CORS preflight, which this server never grants. The three "simple" types (text/plain, forms)
    /// and a missing type are refused.
    /// </summary>
    private static bool NeedsPreflight(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var type = contentType.Split(';')[0].Trim();
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            || type.StartsWith("image/", StringComparison.OrdinalIgnoreCase);
    }
}
