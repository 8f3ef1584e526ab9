using System.Text.Json;
using OpenCvSharp;
using VideoStyler.Styles;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Styles;

/// <summary>`styles add/list/show/remove` end to end through the real tool, with the user folder in a temp XDG_DATA_HOME.</summary>
public sealed class StylesCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private Dictionary<string, string> Environment => new(StringComparer.Ordinal) { ["XDG_DATA_HOME"] = _temp.Path };

    private string UserStyles => Path.Combine(_temp.Path, "videostyler", "styles");

    private Task<ProcessResult> Run(params string[] args) => Support.Cli.RunWithEnvironmentAsync(Environment, args);

    private async Task<List<string>> ListNames(params string[] args)
    {
        var list = await Run(["styles", "list", "--json", .. args]);
        Assert.True(list.ExitCode == 0, list.ToString());
        using var json = JsonDocument.Parse(list.StdOut);
        return [.. json.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()!)];
    }

    [Fact]
    public async Task Added_picture_style_is_tagged_listed_shown_and_removed()
    {
        var painting = Path.Combine(TestPaths.Shared, "styles", "roman-mosaic-ducks.jpg");
        var add = await Run("styles", "add", "ducks", "--from", painting, "--tag", "technique=mosaic", "--tag", "texture=tesserae", "--title", "Ducks", "--year", "2nd century");
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains("palette: #", add.StdOut);

        var folder = Path.Combine(UserStyles, "ducks");
        Assert.Equal(["painting.jpg", "style.json", "thumb.jpg"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal), StringComparer.Ordinal);
        Assert.Equal(["ducks"], Directory.GetDirectories(UserStyles).Select(Path.GetFileName), StringComparer.Ordinal); // no temporary folder left
        var manifest = StyleManifest.Load(Path.Combine(folder, "style.json"));
        Assert.Equal("tesserae", manifest.Tags["texture"]); // the given tag wins over the computed one
        Assert.Equal(["contrast", "palette"], manifest.ComputedTags);
        Assert.Equal("2nd century", manifest.Year);
        Assert.Equal("roman-mosaic-ducks.jpg", manifest.Source);
        Assert.InRange(manifest.Palette.Sum(p => p.Share), 0.99, 1.01);
        using (var thumb = Cv2.ImRead(Path.Combine(folder, "thumb.jpg")))
        {
            Assert.Equal(StyleThumbnail.Side, Math.Max(thumb.Cols, thumb.Rows));
        }

        Assert.Equal(["ducks"], await ListNames("--tag", "technique=mosaic"));
        var all = await ListNames();
        Assert.Contains("ducks", all, StringComparer.Ordinal);
        Assert.Contains("great-wave", all, StringComparer.Ordinal);
        Assert.Contains("toon", all, StringComparer.Ordinal); // network styles are styles too

        var show = await Run("styles", "show", "ducks");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("tag:        palette=", show.StdOut);
        Assert.Contains("(computed)", show.StdOut);
        Assert.Contains("tag:        technique=mosaic", show.StdOut);

        var again = await Run("styles", "add", "ducks", "--from", painting);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.StdErr);

        var remove = await Run("styles", "remove", "ducks");
        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.False(Directory.Exists(folder));
        Assert.DoesNotContain("ducks", await ListNames(), StringComparer.Ordinal);
    }

    [Fact]
    public async Task Tags_computed_from_the_paintings_find_them()
    {
        var cool = await ListNames("--tag", "palette=cool");
        Assert.Contains("starry-night", cool, StringComparer.Ordinal);
        Assert.DoesNotContain("scream", cool, StringComparer.Ordinal);
        Assert.Equal(["scream", "udnie", "woman-with-a-hat"], await ListNames("--tag", "texture=bold"));
        Assert.Equal(["scream"], await ListNames("--tag", "texture=bold", "--tag", "palette=warm"));

        var none = await Run("styles", "list", "--tag", "palette=ultraviolet");
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("no style has the tag palette=ultraviolet", none.StdOut);
    }

    [Fact]
    public async Task Built_in_styles_are_never_removed()
    {
        foreach (var name in new[] { "great-wave", "toon" })
        {
            var remove = await Run("styles", "remove", name);
            Assert.Equal(1, remove.ExitCode);
            Assert.Equal($"error: '{name}' is a built-in style and cannot be removed (only styles you added can)", remove.StdErr.Trim());
        }

        Assert.True(File.Exists(Path.Combine(TestPaths.RepoRoot, "styles", "great-wave", "style.json")));
        var add = await Run("styles", "add", "scream", "--from", Path.Combine(TestPaths.Shared, "photos", "eagle.jpg"));
        Assert.Equal(1, add.ExitCode);
        Assert.Contains("built-in style", add.StdErr);
    }

    [Fact]
    public async Task An_onnx_file_is_added_as_a_network_style_and_listed_like_the_others()
    {
        var add = await Run("styles", "add", "my-toon", "--from", Path.Combine(TestPaths.RepoRoot, "models", "toon.onnx"), "--tag", "technique=cartoon");
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.True(File.Exists(Path.Combine(_temp.Path, "videostyler", "models", "my-toon.onnx")));

        var list = await Run("styles", "list", "--tag", "technique=cartoon", "--json");
        using var json = JsonDocument.Parse(list.StdOut);
        var entry = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("network", entry.GetProperty("kind").GetString());
        Assert.False(entry.GetProperty("built_in").GetBoolean());

        var like = await Run("styles", "list", "--like", "my-toon");
        Assert.Equal(1, like.ExitCode);
        Assert.Contains("'my-toon' is an ONNX network style; only picture styles have a style vector", like.StdErr);

        var remove = await Run("styles", "remove", "my-toon");
        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.False(File.Exists(Path.Combine(_temp.Path, "videostyler", "models", "my-toon.onnx")));
        Assert.False(File.Exists(Path.Combine(_temp.Path, "videostyler", "models", "my-toon.json")));
    }

    [Fact]
    public async Task Pictures_that_cannot_be_styles_are_one_line_errors_and_leave_nothing()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var text = Path.Combine(dir, "notes.jpg");
        await File.WriteAllTextAsync(text, "this is not a picture");
        var empty = Path.Combine(dir, "empty.png");
        await File.WriteAllBytesAsync(empty, []);
        var tiny = Path.Combine(dir, "tiny.png");
        using (var pixel = new Mat(1, 1, MatType.CV_8UC3, Scalar.All(128)))
        {
            Cv2.ImWrite(tiny, pixel);
        }

        (string File, string Message)[] cases =
        [
            (text, "is not a picture OpenCV can read"),
            (empty, "is empty (0 bytes)"),
            (tiny, "is 1x1 pixels; a style needs at least 16x16"),
            (Path.Combine(dir, "missing.jpg"), "style image not found"),
        ];
        foreach (var (file, message) in cases)
        {
            var add = await Run("styles", "add", "bad", "--from", file);
            Assert.True(add.ExitCode == 1, add.ToString());
            Assert.Contains(message, add.StdErr);
            Assert.Single(add.StdErr.Trim().Split('\n'));
        }

        Assert.False(Directory.Exists(UserStyles) && Directory.EnumerateFileSystemEntries(UserStyles).Any());

        var badName = await Run("styles", "add", "a,b", "--from", text);
        Assert.Equal(2, badName.ExitCode);
        var badTag = await Run("styles", "add", "x", "--from", text, "--tag", "novalue");
        Assert.Equal(2, badTag.ExitCode);
        Assert.Contains("--tag must be KEY=VALUE", badTag.StdErr);
    }

    [Fact]
    public async Task Grayscale_and_alpha_pictures_make_styles()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var withAlpha = Path.Combine(dir, "alpha.png");
        using (var rgba = new Mat(64, 64, MatType.CV_8UC4, new Scalar(200, 60, 20, 255)))
        {
            Cv2.ImWrite(withAlpha, rgba);
        }

        var gray = await Run("styles", "add", "bricks", "--from", Path.Combine(TestPaths.Shared, "photos", "brick-texture-gray.png"));
        Assert.True(gray.ExitCode == 0, gray.ToString());
        Assert.StartsWith("neutral,muted", StyleManifest.Load(Path.Combine(UserStyles, "bricks", "style.json")).Tags["palette"]);

        var alpha = await Run("styles", "add", "blue", "--from", withAlpha);
        Assert.True(alpha.ExitCode == 0, alpha.ToString());
        Assert.StartsWith("cool,vivid", StyleManifest.Load(Path.Combine(UserStyles, "blue", "style.json")).Tags["palette"]); // opaque alpha: the colour counts
    }

    [Fact]
    public async Task A_style_file_with_a_vector_of_the_wrong_length_is_one_line()
    {
        var folder = Directory.CreateDirectory(Path.Combine(UserStyles, "short")).FullName;
        var manifest = new StyleManifest { Name = "short", Vector = new float[99] };
        await File.WriteAllTextAsync(Path.Combine(folder, StyleManifest.FileName), manifest.ToJson());

        var list = await Run("styles", "list");
        CliAssert.OneLineError(list, "has 99 numbers; a style vector has 100");
        Assert.Contains(Path.Combine(folder, StyleManifest.FileName), list.StdErr);
        var stylize = await Run("stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(_temp.Path, "x.mkv"), "--style", "short", "--frames", "1");
        CliAssert.OneLineError(stylize, "has 99 numbers; a style vector has 100");
        Assert.False(File.Exists(Path.Combine(_temp.Path, "x.mkv")));
    }
}
