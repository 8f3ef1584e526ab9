using VideoStyler.Live;

namespace VideoStyler.Tests.Live;

/// <summary>The rules of <see cref="RequestOriginPolicy"/>, request by request.</summary>
public class RequestOriginPolicyTests
{
    private static readonly RequestOriginPolicy Policy = new("127.0.0.1");

    [Theory]
    [InlineData("POST", "127.0.0.1:8090", "http://evil.example", null, "text/plain;charset=UTF-8")]
    [InlineData("POST", "127.0.0.1:8090", "http://evil.example", null, "application/json")]
    [InlineData("POST", "127.0.0.1:8090", "null", null, "text/plain")]
    [InlineData("POST", "127.0.0.1:8090", null, "cross-site", "application/x-www-form-urlencoded")]
    [InlineData("POST", "127.0.0.1:8090", null, "same-site", "application/json")]
    [InlineData("POST", "127.0.0.1:8090", "http://127.0.0.1:8090", null, "text/plain;charset=UTF-8")]
    [InlineData("POST", "127.0.0.1:8090", "http://127.0.0.1:9999", null, "application/json")]
    [InlineData("POST", "evil.example:8090", null, null, "text/plain")]
    [InlineData("GET", "rebound.evil.example:8090", null, null, null)]
    [InlineData("POST", null, null, null, "text/plain")]
    public void Refused(string method, string? host, string? origin, string? fetchSite, string? contentType)
    {
        Assert.NotNull(Policy.Refusal(method, host, origin, fetchSite, contentType, carriesToken: false));
    }

    [Theory]
    [InlineData("POST", "127.0.0.1:8090", "http://127.0.0.1:8090", "same-origin", "application/json; charset=utf-8")]
    [InlineData("POST", "localhost:8090", "http://localhost:8090", null, "application/json")]
    [InlineData("POST", "127.0.0.1:8090", null, null, "text/plain")]
    [InlineData("POST", "127.0.0.1:8090", null, null, "application/x-www-form-urlencoded")]
    [InlineData("POST", "[::1]:8090", null, null, null)]
    [InlineData("GET", "127.0.0.1:8090", "http://evil.example", "cross-site", null)]
    public void Allowed(string method, string? host, string? origin, string? fetchSite, string? contentType)
    {
        Assert.Null(Policy.Refusal(method, host, origin, fetchSite, contentType, carriesToken: false));
    }

    [Fact]
    public void The_token_allows_a_request_from_anywhere()
    {
        Assert.Null(Policy.Refusal("POST", "stream.example:8090", "http://evil.example", "cross-site", "text/plain", carriesToken: true));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e999")]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("half")]
    [InlineData("")]
    public void Numbers_must_be_finite_and_in_range(string text)
    {
        Assert.Throws<UserFacingException>(() => ControlValues.Number(text, "strength", 0, 1));
    }

    [Fact]
    public void Style_names_only_from_the_list()
    {
        string[] listed = ["candy", "toon"];

        Assert.Equal("candy", ControlValues.StyleName(" candy ", listed));
        Assert.Throws<UserFacingException>(() => ControlValues.StyleName("/etc/passwd", listed));
        Assert.Throws<UserFacingException>(() => ControlValues.StyleName("../candy", listed));
        Assert.Throws<UserFacingException>(() => ControlValues.StyleName("candy.onnx", listed));
        Assert.Throws<UserFacingException>(() => ControlValues.StyleName("CANDY", listed));
    }
}
