using VideoStyler.Styles;
using VideoStyler.Stylize.Arbitrary;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Styles;

/// <summary>Picture styles as style vectors: the shipped vectors, the default style, mixing, likeness.</summary>
public sealed class PictureStylesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private Task<ProcessResult> Run(params string[] args) =>
        Support.Cli.RunWithEnvironmentAsync(new Dictionary<string, string>(StringComparer.Ordinal) { ["XDG_DATA_HOME"] = _temp.Path }, args);

    [Fact]
    public void Shipped_vectors_are_what_the_predictor_gives_for_the_shipped_pictures()
    {
        using var predictor = StylePredictor.Load(intraOpThreads: 1);
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var folder in Directory.GetDirectories(Path.Combine(TestPaths.RepoRoot, "styles")).Order(StringComparer.Ordinal))
        {
            var manifest = StyleManifest.Load(Path.Combine(folder, StyleManifest.FileName));
            Assert.NotNull(manifest.Vector);
            using var picture = StyleImage.Load(Path.Combine(folder, manifest.Image));
            var again = predictor.Predict(picture);
            var worst = manifest.Vector!.Zip(again, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst < 1e-3, $"{manifest.Name}: regenerated vector differs by up to {worst}");
            vectors[manifest.Name] = manifest.Vector!;
        }

        Assert.True(vectors.Count >= 6);
        // Different paintings, different vectors.
        foreach (var (a, va) in vectors)
        {
            foreach (var (b, vb) in vectors.Where(v => string.CompareOrdinal(v.Key, a) > 0))
            {
                Assert.True(va.Zip(vb, (x, y) => Math.Abs(x - y)).Max() > 0.05, $"{a} and {b} have nearly the same vector");
            }
        }
    }

    [Fact]
    public void Built_in_manifests_are_embedded_so_the_default_works_from_anywhere()
    {
        var embedded = StyleCatalog.Embedded().ToDictionary(e => e.Name, StringComparer.Ordinal);
        var folders = Directory.GetDirectories(Path.Combine(TestPaths.RepoRoot, "styles")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(folders, embedded.Keys.Order(StringComparer.Ordinal), StringComparer.Ordinal);
        Assert.Contains(PictureStyleResolver.DefaultName, embedded.Keys, StringComparer.Ordinal);
        foreach (var (name, entry) in embedded)
        {
            var onDisk = StyleManifest.Load(Path.Combine(TestPaths.RepoRoot, "styles", name, StyleManifest.FileName));
            Assert.Equal(onDisk.Vector, entry.Vector);
            Assert.True(entry.BuiltIn);
        }

        // A catalog without the project's styles/ folder falls back to them.
        using var empty = new TempFolder();
        var catalog = new StyleCatalog(empty.Path, null, new VideoStyler.Models.StyleLibrary([]));
        Assert.NotNull(catalog.FindPicture(PictureStyleResolver.DefaultName)?.Vector);
    }

    [Fact]
    public async Task Default_style_is_a_built_in_painting_and_mix_weights_one_and_zero_equal_the_single_style()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = TestPaths.SharedData("help.mkv");
        string[] common = ["--size", "96", "--frames", "2", "--no-temporal"];
        var byDefault = Path.Combine(dir, "default.mkv");
        var single = Path.Combine(dir, "single.mkv");
        var mixed = Path.Combine(dir, "mixed.mkv");
        var other = Path.Combine(dir, "other.mkv");

        var run = await Run(["stylize", input, "-o", byDefault, .. common]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"style {PictureStyleResolver.DefaultName}", run.StdOut);
        run = await Run(["stylize", input, "-o", single, "--style", "great-wave", .. common]);
        Assert.True(run.ExitCode == 0, run.ToString());
        run = await Run(["stylize", input, "-o", mixed, "--style", "great-wave:1,scream:0", .. common]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("style great-wave:1,scream:0", run.StdOut);
        run = await Run(["stylize", input, "-o", other, "--style", "great-wave:0.5,scream:0.5", .. common]);
        Assert.True(run.ExitCode == 0, run.ToString());

        var source = TestFrames.Read(input, 2);
        var a = TestFrames.Read(single);
        var b = TestFrames.Read(mixed);
        var c = TestFrames.Read(other);
        var d = TestFrames.Read(byDefault);
        try
        {
            Assert.Equal(2, b.Count);
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal(0, TestFrames.MeanAbsDiff(a[i], b[i]));
                Assert.True(TestFrames.MeanAbsDiff(a[i], c[i]) > 3, "a half-and-half mix looks like the single style");
                Assert.True(TestFrames.MeanAbsDiff(source[i], d[i]) > 20, "the default style barely changed the picture");
                Assert.True(TestFrames.StructureCorrelation(source[i], d[i]) > 0.3, "the default style lost the scene");
            }
        }
        finally
        {
            foreach (var mat in source.Concat(a).Concat(b).Concat(c).Concat(d))
            {
                mat.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_picture_style_and_a_network_cannot_be_mixed()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var run = await Run("stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(dir, "x.mkv"), "--style", "great-wave:0.5,toon:0.5", "--frames", "1");
        CliAssert.OneLineError(run, "great-wave is a picture style and toon is not; picture styles mix with picture styles only");
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public async Task Added_style_gets_a_vector_suggestions_and_ranks_by_likeness()
    {
        var add = await Run("styles", "add", "ducks", "--from", Path.Combine(TestPaths.Shared, "styles", "roman-mosaic-ducks.jpg"), "--tag", "era=roman");
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains("suggested tag: technique=", add.StdOut);
        Assert.DoesNotContain("suggested tag: era=", add.StdOut); // the user's tag wins
        var manifest = StyleManifest.Load(Path.Combine(_temp.Path, "videostyler", "styles", "ducks", "style.json"));
        Assert.Equal(StyleManifest.VectorLength, manifest.Vector!.Length);
        Assert.False(manifest.Tags.ContainsKey("technique")); // suggestions are shown, not applied

        var like = await Run("styles", "list", "--like", "ducks");
        Assert.True(like.ExitCode == 0, like.ToString());
        var lines = like.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith(" 1.000  ducks", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("     -  toon", StringComparison.Ordinal));
        Assert.Contains("not ranked (no style vector: toon is an ONNX network)", like.StdOut);

        // A picture file: the original of a built-in painting ranks that painting first.
        var image = await Run("styles", "list", "--like", Path.Combine(TestPaths.Shared, "styles", "munch-the-scream.jpg"));
        Assert.True(image.ExitCode == 0, image.ToString());
        Assert.Matches(@"^ (1\.000|0\.9\d\d)  scream ", image.StdOut.Split('\n')[0]);
    }
}
