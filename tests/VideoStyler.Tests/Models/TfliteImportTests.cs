using VideoStyler.Models;
using VideoStyler.Models.Tflite;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Models;

/// <summary>The TFLite reader on the real Magenta files, the shipped ONNX conversions, damaged input and `models import`.</summary>
public class TfliteImportTests
{
    private static string Magenta(string name) => Path.Combine(TestPaths.Shared, "thirdparty", "magenta", name);

    private static string Shipped(string name) => Path.Combine(TestPaths.RepoRoot, "models", "magenta", name);

    [Theory]
    [InlineData("style_predict_quantized_256.tflite", "QUANTIZE 1, CONV_2D 36, DEPTHWISE_CONV_2D 17, ADD 10, MEAN 1, DEQUANTIZE 1")]
    [InlineData("style_transfer_f16_384.tflite", "MIRROR_PAD 16, DEQUANTIZE 88, CONV_2D 42, MEAN 26, SQUARED_DIFFERENCE 13, ADD 31, RSQRT 13, MUL 39, SUB 13, RESIZE_NEAREST_NEIGHBOR 3, LOGISTIC 1")]
    [InlineData("style_transfer_quantized_384.tflite", "QUANTIZE 43, MIRROR_PAD 16, CONV_2D 42, DEQUANTIZE 55, MEAN 26, SQUARED_DIFFERENCE 13, ADD 31, RSQRT 13, MUL 39, SUB 13, RESIZE_NEAREST_NEIGHBOR 3, LOGISTIC 1")]
    [InlineData("style_transfer_quantized_dynamic.tflite", "MIRROR_PAD 16, CONV_2D 42, MEAN 26, SQUARED_DIFFERENCE 13, ADD 31, RSQRT 13, MUL 43, SUB 13, SHAPE 3, STRIDED_SLICE 6, PACK 3, RESIZE_NEAREST_NEIGHBOR 3, LOGISTIC 1")]
    public void ReaderFindsTheOperatorsOfEachMagentaFileAndAllConvert(string file, string counts)
    {
        var model = TfliteReader.Read(Magenta(file));

        Assert.Equal(counts, string.Join(", ", model.OperatorCounts().Select(c => $"{c.Name} {c.Count}")));
        Assert.Empty(TfliteToOnnxConverter.UnsupportedOperators(model));
        var input = model.Tensors[model.Inputs[0]];
        Assert.Equal(TfliteTensorType.Float32, input.Type);
        Assert.Equal(3, input.Shape[3]);
    }

    [Theory]
    [InlineData("style_predict_quantized_256.tflite", "style_predict")]
    [InlineData("style_transfer_f16_384.tflite", "style_transfer")]
    public void ShippedOnnxIsExactlyWhatTheImporterMakesFromTheShippedTflite(string tflite, string name)
    {
        var (onnx, manifest, _) = TfliteImporter.Import(Shipped(tflite), name);

        Assert.Equal(File.ReadAllBytes(Shipped(name + ".onnx")), onnx);
        var committed = ModelManifest.Load(Shipped(name + ".json"));
        Assert.Equal((manifest with { License = committed.License }).ToJson(), committed.ToJson());
        Assert.Contains("Apache", committed.License);
    }

    [Fact]
    public void TruncatedOrForeignFilesGiveOneLineErrors()
    {
        var bytes = File.ReadAllBytes(Magenta("style_transfer_f16_384.tflite"));
        foreach (var length in new[] { 3, 8, 100, 3000, bytes.Length / 2 })
        {
            var ex = Assert.Throws<UserFacingException>(() => TfliteReader.Read(bytes[..length], "cut.tflite"));
            Assert.Contains("cut.tflite", ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
        }

        var png = File.ReadAllBytes(Path.Combine(TestPaths.Shared, "photos", "grace-hopper-128.png"));
        var foreign = Assert.Throws<UserFacingException>(() => TfliteReader.Read(png, "photo.png"));
        Assert.Contains("not a TensorFlow Lite model", foreign.Message);
    }

    [Fact]
    public async Task ModelsImportWritesModelAndManifestAndRefusesToOverwrite()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        var source = Magenta("style_transfer_f16_384.tflite");

        var first = await Support.Cli.RunAsync("models", "import", source, "--name", "magenta-t", "--models-dir", folder);
        var onnx = Path.Combine(folder, "magenta-t.onnx");
        var written = File.ReadAllBytes(onnx);
        var again = await Support.Cli.RunAsync("models", "import", source, "--name", "magenta-t", "--models-dir", folder);
        var forced = await Support.Cli.RunAsync("models", "import", source, "--name", "magenta-t", "--models-dir", folder, "--force");
        var damaged = Path.Combine(folder, "cut.tflite");
        await File.WriteAllBytesAsync(damaged, File.ReadAllBytes(source)[..5000]);
        var bad = await Support.Cli.RunAsync("models", "import", damaged, "--models-dir", folder);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("arbitrary-transformer", first.StdOut);
        var manifest = ModelManifest.Load(Path.Combine(folder, "magenta-t.json"));
        Assert.Equal("NHWC", manifest.Input!.Layout);
        Assert.Equal("0..1", manifest.Input.Range);
        Assert.Equal("content_image", manifest.Input.Name);
        CliAssert.OneLineError(again, "already exists");
        Assert.Equal(written, File.ReadAllBytes(onnx));
        Assert.True(forced.ExitCode == 0, forced.ToString());
        CliAssert.OneLineError(bad, "damaged TensorFlow Lite model");
        Assert.False(File.Exists(Path.Combine(folder, "cut.onnx")));
        Directory.Delete(folder, recursive: true);
    }
}
