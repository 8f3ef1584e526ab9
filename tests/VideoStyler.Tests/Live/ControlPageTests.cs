using System.Net;
using VideoStyler.Live;
using VideoStyler.Styles;

namespace VideoStyler.Tests.Live;

/// <summary>The control page keeps names and tags out of script: text and data attributes only, handlers attached by its script.</summary>
public class ControlPageTests
{
    [Fact]
    public void Hostile_names_and_tags_are_text_and_no_inline_handler_exists()
    {
        const string name = "x');alert(1);('\"<b>";
        var manifest = new StyleEntry
        {
            Name = name,
            Kind = StyleKind.Picture,
            Origin = "x",
            Title = "<img src=x onerror=alert(2)>",
            Tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["technique"] = "\"><script>alert(3)</script>" },
            Palette = [new PaletteColor("red;background:url(javascript:alert(4))", 1.0)],
        };

        var page = ControlPage.Render([manifest], name, "n0nce");

        Assert.DoesNotContain("onclick", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onchange", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", page.Replace(WebUtility.HtmlEncode(manifest.Title), "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.DoesNotContain(name, page, StringComparison.Ordinal);
        Assert.Contains($"data-style=\"{WebUtility.HtmlEncode(name)}\"", page, StringComparison.Ordinal);
        Assert.Contains("<script nonce=\"n0nce\">", page, StringComparison.Ordinal);
        Assert.Contains("addEventListener('click'", page, StringComparison.Ordinal);
        // Swatch colours are data the script applies: no inline style attribute (the CSP would block it anyway).
        Assert.DoesNotContain(" style=\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("url(javascript", page.Replace(WebUtility.HtmlEncode("red;background:url(javascript:alert(4))"), "", StringComparison.Ordinal), StringComparison.Ordinal);
        // One script element, the page's own.
        Assert.Equal(1, page.Split("<script", StringSplitOptions.None).Length - 1);
    }
}
