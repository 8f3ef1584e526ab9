using System.Net;
using VideoStyler.Live;
using VideoStyler.Models;

namespace VideoStyler.Tests.Live;

/// <summary>The control page keeps names and tags out of script: text and data attributes only, handlers attached by its script.</summary>
public class ControlPageTests
{
    [Fact]
    public void Hostile_names_and_tags_are_text_and_no_inline_handler_exists()
    {
        const string name = "x');alert(1);('\"<b>";
        var manifest = new ModelManifest
        {
            Name = name,
            Title = "<img src=x onerror=alert(2)>",
            Tags = new Dictionary<string, string> { ["technique"] = "\"><script>alert(3)</script>" },
        };

        var page = ControlPage.Render([(manifest, "x.onnx")], name, "n0nce");

        Assert.DoesNotContain("onclick", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onchange", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", page.Replace(WebUtility.HtmlEncode(manifest.Title), "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.DoesNotContain(name, page, StringComparison.Ordinal);
        Assert.Contains($"data-style=\"{WebUtility.HtmlEncode(name)}\"", page, StringComparison.Ordinal);
        Assert.Contains("<script nonce=\"n0nce\">", page, StringComparison.Ordinal);
        Assert.Contains("addEventListener('click'", page, StringComparison.Ordinal);
        // One script element, the page's own.
        Assert.Equal(1, page.Split("<script", StringSplitOptions.None).Length - 1);
    }
}
