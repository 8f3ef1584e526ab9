using System.Text.Json;
using Google.Protobuf;
using VideoStyler.Models;
using VideoStyler.Models.Onnx;
using VideoStyler.Models.Onnx.Proto;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Models;

/// <summary>Broken manifests, half-weighted mixes, odd model names, offline pulls: clear answers, nothing hidden.</summary>
public class ModelEdgeCaseTests
{
    [Fact]
    public async Task A_broken_manifest_is_skipped_with_a_notice_and_the_other_styles_are_listed()
    {
        using var temp = new TempFolder();
        var models = temp.Path;
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
        using var temp = new TempFolder();
        var models = temp.Path;

        var run = await Support.Cli.RunAsync("models", "add", TestPaths.SharedModel("candy.onnx"), "--name", name, "--models-dir", models);

        CliAssert.OneLineError(run, "must be a plain file name");
        Assert.Equal(2, run.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(models));
    }

    [Fact]
    public async Task Offline_pull_does_not_claim_a_part_file_it_does_not_have()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var catalog = Path.Combine(dir, "catalog.json");
        var entry = new CatalogEntry { Name = "candy", Url = "http://127.0.0.1:9/candy.onnx", Sha256 = new string('0', 64) };
        await File.WriteAllTextAsync(catalog, JsonSerializer.Serialize(new ModelCatalog { Models = [entry] }, VideoStylerJson.Default.Options));
        var models = Path.Combine(dir, "models");

        var run = await Support.Cli.RunAsync("models", "pull", "candy", "--catalog", catalog, "--models-dir", models);

        CliAssert.OneLineError(run, "cannot download candy");
        Assert.DoesNotContain(".part", run.StdErr);
        Assert.False(File.Exists(Path.Combine(models, "candy.onnx.part")));
    }

    [Fact]
    public async Task A_model_that_fails_while_running_is_one_error_line_without_onnxruntime_log()
    {
        // An image-shaped model whose Reshape only fits 64x64 pictures: ONNX Runtime fails inside the run.
        using var temp = new TempFolder();
        var dir = temp.Path;
        var model = Path.Combine(dir, "rigid.onnx");
        var graph = new OnnxGraphBuilder("rigid")
            .Opset(13)
            .Input("x", TensorProto.Types.DataType.Float, 1, 3, OnnxDim.Symbolic("h"), OnnxDim.Symbolic("w"))
            .Output("y", TensorProto.Types.DataType.Float, 1, 3, OnnxDim.Symbolic("oh"), OnnxDim.Symbolic("ow"));
        graph.Node("Reshape", ["x", graph.Constant([1L, 3L, 64L, 64L], 4)], ["y"]);
        await File.WriteAllBytesAsync(model, graph.Build().ToByteArray());
        var input = await Clips.PatternAsync(dir, "in.mp4", 160, 120, 2);

        var run = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "out.mp4"), "--style", model, "--size", "96");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Single(run.StdErr.Split('\n'), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.DoesNotContain("onnxruntime:", run.StdErr);
        Assert.DoesNotContain("\u001b[", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_that_outputs_nan_is_an_error_not_a_black_video()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var model = Path.Combine(dir, "nan.onnx");
        var graph = new OnnxGraphBuilder("nan")
            .Opset(13)
            .Input("x", TensorProto.Types.DataType.Float, 1, 3, OnnxDim.Symbolic("h"), OnnxDim.Symbolic("w"))
            .Output("y", TensorProto.Types.DataType.Float, 1, 3, OnnxDim.Symbolic("h"), OnnxDim.Symbolic("w"));
        graph.Node("Mul", ["x", graph.Constant(float.NaN)], ["y"]);
        await File.WriteAllBytesAsync(model, graph.Build().ToByteArray());
        var input = await Clips.PatternAsync(dir, "in.mp4", 160, 120, 2);
        var output = Path.Combine(dir, "out.mp4");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--style", model, "--size", "96");

        Assert.True(run.ExitCode == 1, run.ToString());
        var error = Assert.Single(run.StdErr.Split('\n'), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains("NaN or infinite", error);
        Assert.False(File.Exists(output));
    }
}
