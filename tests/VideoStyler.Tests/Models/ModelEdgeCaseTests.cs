using System.Text.Json;
using VideoStyler.Models;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Models;

/// <summary>Broken manifests, half-weighted mixes, odd model names, offline pulls: clear answers, nothing hidden.</summary>
public class ModelEdgeCaseTests
{
    [Fact]
    public async Task A_broken_manifest_is_skipped_with_a_notice_and_the_other_styles_are_listed()
    {
        var models = TestPaths.NewTempFolder();
        File.CreateSymbolicLink(Path.Combine(models, "candy.onnx"), TestPaths.SharedModel("candy.onnx"));
        File.CreateSymbolicLink(Path.Combine(models, "mosaic.onnx"), TestPaths.SharedModel("mosaic.onnx"));
        await File.WriteAllTextAsync(Path.Combine(models, "candy.json"), "{\"name\": 5, \"tags\": [1, 2]}");

        var run = await Support.Cli.RunAsync("models", "list", "--models-dir", models);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("candy", run.StdOut);
        Assert.Contains("mosaic", run.StdOut);
        var notice = Assert.Single(run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("notice: manifest ", notice);
        Assert.Contains("candy.json", notice);
        Assert.DoesNotContain("System.", notice);
    }

    [Theory]
    [InlineData("candy:0.5,mosaic")]
    [InlineData("candy,mosaic:2")]
    [InlineData("candy:NaN,mosaic:1")]
    [InlineData("candy:Infinity,mosaic:1")]
    public void A_mix_with_weights_for_some_parts_only_is_refused(string spec)
    {
        Assert.Throws<UserFacingException>(() => StyleMixSpec.Parse(spec));
    }

    [Fact]
    public void Mixes_weighted_all_or_none_are_normalised()
    {
        Assert.Equal([("candy", 0.5f), ("mosaic", 0.5f)], StyleMixSpec.Parse("candy,mosaic"));
        Assert.Equal([("candy", 0.25f), ("mosaic", 0.75f)], StyleMixSpec.Parse("candy:1,mosaic:3"));
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    public async Task Models_add_refuses_names_that_are_not_plain(string name)
    {
        var models = TestPaths.NewTempFolder();

        var run = await Support.Cli.RunAsync("models", "add", TestPaths.SharedModel("candy.onnx"), "--name", name, "--models-dir", models);

        CliAssert.OneLineError(run, "must be a plain file name");
        Assert.Equal(2, run.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(models));
    }

    [Fact]
    public async Task Offline_pull_does_not_claim_a_part_file_it_does_not_have()
    {
        var dir = TestPaths.NewTempFolder();
        var catalog = Path.Combine(dir, "catalog.json");
        var entry = new CatalogEntry { Name = "candy", Url = "http://127.0.0.1:9/candy.onnx", Sha256 = new string('0', 64) };
        await File.WriteAllTextAsync(catalog, JsonSerializer.Serialize(new ModelCatalog { Models = [entry] }, ModelManifest.JsonOptions));
        var models = Path.Combine(dir, "models");

        var run = await Support.Cli.RunAsync("models", "pull", "candy", "--catalog", catalog, "--models-dir", models);

        CliAssert.OneLineError(run, "cannot download candy");
        Assert.DoesNotContain(".part", run.StdErr);
        Assert.False(File.Exists(Path.Combine(models, "candy.onnx.part")));
    }
}
