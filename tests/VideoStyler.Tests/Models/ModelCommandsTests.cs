using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using OpenCvSharp;
using VideoStyler.Models;
using VideoStyler.Models.Onnx;
using VideoStyler.Models.Onnx.Proto;
using VideoStyler.Styles;
using VideoStyler.Stylize;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Models;

/// <summary>models add / list / pull, manifests, and models with other conventions.</summary>
public class ModelCommandsTests
{
    [Fact]
    public async Task Added_style_is_tagged_listed_and_usable_by_name()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var add = await Support.Cli.RunAsync(
            "models", "add", TestPaths.SharedModel("mosaic.onnx"), "--name", "my_mosaic",
            "--tag", "technique=mosaic", "--tag", "palette=vivid", "--models-dir", dir);
        Assert.True(add.ExitCode == 0, add.ToString());

        var manifest = ModelManifest.Load(Path.Combine(dir, "my_mosaic.json"));
        Assert.Equal("mosaic", manifest.Tags["technique"]);
        Assert.Equal("BGR", manifest.Input!.ChannelOrder);
        Assert.Equal("Free for personal or research use", manifest.License);

        var list = await Support.Cli.RunAsync("models", "list", "--tag", "technique=mosaic", "--json", "--models-dir", dir);
        using var json = JsonDocument.Parse(list.StdOut);
        var names = json.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Equal(["my_mosaic"], names);
        Assert.Equal("vivid", json.RootElement[0].GetProperty("tags").GetProperty("palette").GetString());

        var all = await Support.Cli.RunAsync("models", "list", "--json", "--models-dir", dir);
        using var allJson = JsonDocument.Parse(all.StdOut);
        Assert.Contains("toon", allJson.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()), StringComparer.Ordinal);

        var output = Path.Combine(dir, "out.mp4");
        var run = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", output, "--style", "my_mosaic", "--models-dir", dir, "--frames", "2", "--size", "240");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("style my_mosaic", run.StdOut);
    }

    [Fact]
    public void Manifest_round_trips()
    {
        var manifest = new ModelManifest
        {
            Name = "x",
            Title = "X",
            License = "MIT",
            Tags = new(StringComparer.Ordinal) { ["technique"] = "toon", ["era"] = "modern" },
            Input = new TensorConventionManifest { Name = "in", Layout = "NHWC", ChannelOrder = "RGB", Range = "-1..1" },
            RecommendedSize = 360,
        };

        var again = ModelManifest.Parse(manifest.ToJson(), "test");

        Assert.Equal(manifest.ToJson(), again.ToJson());
        Assert.Contains("\"channel_order\": \"RGB\"", manifest.ToJson());
    }

    [Fact]
    public async Task Pull_downloads_verifies_resumes_and_rejects_corruption()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        using var server = new RangeFileServer(Path.Combine(TestPaths.Shared, "models"));
        var bytes = await File.ReadAllBytesAsync(TestPaths.SharedModel("candy.onnx"));
        var catalog = Path.Combine(dir, "catalog.json");
        var entry = new CatalogEntry
        {
            Name = "candy",
            Url = server.BaseUrl + "candy.onnx",
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            License = "Free for personal or research use",
            Manifest = new ModelManifest { Name = "candy", Tags = new(StringComparer.Ordinal) { ["technique"] = "brushstroke" } },
        };
        await File.WriteAllTextAsync(catalog, JsonSerializer.Serialize(new ModelCatalog { Models = [entry] }, VideoStylerJson.Default.Options));
        var models = Path.Combine(dir, "models");

        // Resume: half the file is already there from an interrupted download.
        Directory.CreateDirectory(models);
        await File.WriteAllBytesAsync(Path.Combine(models, "candy.onnx.part"), bytes[..(bytes.Length / 2)]);
        var pulled = await Support.Cli.RunAsync("models", "pull", "candy", "--catalog", catalog, "--models-dir", models);

        Assert.True(pulled.ExitCode == 0, pulled.ToString());
        Assert.Contains($"resumed after {bytes.Length / 2} bytes", pulled.StdOut);
        Assert.Contains($"bytes={bytes.Length / 2}-", server.RangesRequested, StringComparer.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(models, "candy.onnx")));
        Assert.Equal("brushstroke", ModelManifest.Load(Path.Combine(models, "candy.json")).Tags["technique"]);

        // A server handing out a different file is refused and nothing is kept under the name.
        File.Delete(Path.Combine(models, "candy.onnx"));
        server.Corrupt = true;
        var corrupt = await Support.Cli.RunAsync("models", "pull", "candy", "--catalog", catalog, "--models-dir", models);

        Assert.Equal(1, corrupt.ExitCode);
        Assert.Contains("is corrupt or not the catalogued file", corrupt.StdErr);
        Assert.False(File.Exists(Path.Combine(models, "candy.onnx")));
        Assert.False(File.Exists(Path.Combine(models, "candy.onnx.part")));
    }

    [Fact]
    public void Shipped_catalog_lists_models_with_hashes()
    {
        var catalog = ModelCatalog.Load(Path.Combine(TestPaths.RepoRoot, "models", "catalog.json"));

        Assert.NotEmpty(catalog.Models);
        Assert.All(catalog.Models, m => Assert.Matches("^[0-9a-f]{64}$", m.Sha256));
        var candy = catalog.Find("candy");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(TestPaths.SharedModel("candy.onnx")))), candy.Sha256);
    }

    /// <summary>
    /// An AnimeGAN-like model: NHWC, RGB, -1..1, fixed 64x64 dims. It keeps the R channel and zeroes
    /// G and B (0 in -1..1 is mid-grey), so a wrong layout, channel order or range shows at once.
    /// </summary>
    [Fact]
    public void Nhwc_rgb_minus_one_to_one_model_is_detected_and_run_correctly()
    {
        var graph = new OnnxGraphBuilder("keep_red")
            .Opset(13)
            .Input("images", TensorProto.Types.DataType.Float, 1, 64, 64, 3)
            .Output("styled", TensorProto.Types.DataType.Float, 1, 64, 64, 3);
        graph.Node("Mul", ["images", graph.Constant([1f, 0f, 0f], 3)], ["styled"]);
        var source = new StyleSource { Name = "keep_red", Origin = "test", ModelBytes = graph.Build().ToByteArray() };

        using var session = StyleSession.Load(source, ExecutionDevice.Cpu);
        var c = session.Convention;
        Assert.Equal(TensorLayout.Nhwc, c.Layout);
        Assert.Equal(ChannelOrder.Rgb, c.ChannelOrder);
        Assert.Equal(ValueRange.MinusOneToOne, c.Range);

        using var stylizer = new OnnxStylizer(session, 96, 80, 80);
        using var frame = new Mat(80, 96, MatType.CV_8UC3, new Scalar(30, 90, 200)); // B, G, R
        using var output = new Mat(80, 96, MatType.CV_8UC3);
        stylizer.Process(frame, output);

        AssertKeptRedOnly(output);

        // The pipeline's stylizer: this fixed 64x64 model cannot be made free (NHWC), and the 96x80
        // picture does not fit it, so it is tiled at 64x64 instead of being shrunk into it.
        using var temp = new TempFolder();
        var dir = temp.Path;
        var path = Path.Combine(dir, "keep_red.onnx");
        File.WriteAllBytes(path, source.ModelBytes!);
        using var pipeline = StylizerFactory.Create(StyleLibrary.CreateDefault(), path, new StyleControls(), 96, 80, 80, ExecutionDevice.Cpu, 0, null);
        Assert.IsType<TiledStylizer>(pipeline.Primary);
        using var tiled = new Mat(80, 96, MatType.CV_8UC3);
        pipeline.Process(frame, tiled);
        AssertKeptRedOnly(tiled);
    }

    private static void AssertKeptRedOnly(Mat output)
    {
        var mean = Cv2.Mean(output);
        Assert.InRange(mean.Val2, 198, 202); // red kept
        Assert.InRange(mean.Val1, 126, 129); // green -> 0 -> mid-grey
        Assert.InRange(mean.Val0, 126, 129); // blue -> 0 -> mid-grey
    }
}
