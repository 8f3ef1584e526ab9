using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using VideoStyler.Models.Onnx;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Models;

public sealed class ToonStyleGraphTests : IDisposable
{
    private readonly InferenceSession _session = OnnxTestUtil.CreateSession(ToonStyleGraph.Build().ToByteArray());

    public void Dispose() => _session.Dispose();

    [Theory]
    [InlineData(640, 480)]
    [InlineData(643, 361)]
    public void RunsAtAnySizeAndStylizesThePicture(int width, int height)
    {
        var input = OnnxTestUtil.TestPicture(width, height);

        var (output, shape) = OnnxTestUtil.Run(_session, input, 1, 3, height, width);

        Assert.Equal([1L, 3L, height, width], shape);
        Assert.InRange(output.Min(), 0f, 255f);
        Assert.InRange(output.Max(), 0f, 255f);
        var totalChange = 0.0;
        for (var i = 0; i < input.Length; i++)
        {
            totalChange += Math.Abs(input[i] - output[i]);
        }

        var meanChange = totalChange / input.Length;
        Assert.True(meanChange > 3, $"mean change {meanChange} is too small for a stylization");
    }

    [Fact]
    public void RunsAtTheMinimumSize()
    {
        const int size = ToonStyleGraph.MinimumSize;

        var (_, shape) = OnnxTestUtil.Run(_session, OnnxTestUtil.TestPicture(size, size + 1), 1, 3, size + 1, size);

        Assert.Equal([1L, 3L, size + 1, size], shape);
    }

    [Fact]
    public void FlatColourStaysFlatWithoutBorderLines()
    {
        const int width = 97;
        const int height = 61;
        float[] bgr = [40f, 160f, 220f];
        var input = new float[3 * width * height];
        for (var c = 0; c < 3; c++)
        {
            Array.Fill(input, bgr[c], c * width * height, width * height);
        }

        var (output, _) = OnnxTestUtil.Run(_session, input, 1, 3, height, width);

        for (var c = 0; c < 3; c++)
        {
            var plane = output.AsSpan(c * width * height, width * height);
            var min = plane.ToArray().Min();
            var max = plane.ToArray().Max();
            Assert.True(max - min < 0.5f, $"channel {c} ranges {min}..{max}");
        }
    }

    [Fact]
    public void SharpStepEdgeGetsADarkOutline()
    {
        const int width = 64;
        const int height = 48;
        var input = new float[3 * width * height];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    input[(c * width * height) + (y * width) + x] = x < width / 2 ? 70f : 210f;
                }
            }
        }

        var (output, _) = OnnxTestUtil.Run(_session, input, 1, 3, height, width);

        float Luma(int x, int y) =>
            (0.114f * output[(y * width) + x]) +
            (0.587f * output[(width * height) + (y * width) + x]) +
            (0.299f * output[(2 * width * height) + (y * width) + x]);
        const int row = height / 2;
        var darkestAtEdge = Enumerable.Range((width / 2) - 2, 4).Min(x => Luma(x, row));
        Assert.True(darkestAtEdge < 30, $"edge luminance {darkestAtEdge}");
        Assert.True(Luma(8, row) > 50, "the dark side far from the edge stays a colour, not a line");
        Assert.True(Luma(width - 8, row) > 180, "the bright side far from the edge stays bright");
        Assert.True(Math.Abs(Luma(0, row) - Luma(8, row)) < 1, "no line at the left frame border");
        Assert.True(Math.Abs(Luma(width - 1, row) - Luma(width - 8, row)) < 1, "no line at the right frame border");
        Assert.True(Math.Abs(Luma(width - 8, 0) - Luma(width - 8, row)) < 1, "no line at the top frame border");
    }

    [Fact]
    public void ModelDeclaresSymbolicSizeNamesAndMetadata()
    {
        var model = ToonStyleGraph.Build();

        Assert.Equal(ToonStyleGraph.OpsetVersion, model.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.Equal("toon", model.MetadataProps.Single(e => e.Key == "videostyler.style").Value);
        var input = Assert.Single(model.Graph.Input);
        var output = Assert.Single(model.Graph.Output);
        Assert.Equal("input", input.Name);
        Assert.Equal("output", output.Name);
        Assert.Equal(["", "", "height", "width"], input.Type.TensorType.Shape.Dim.Select(d => d.DimParam), StringComparer.Ordinal);
        Assert.Equal(["", "", "height", "width"], output.Type.TensorType.Shape.Dim.Select(d => d.DimParam), StringComparer.Ordinal);
        Assert.Equal("input", _session.InputNames.Single());
        Assert.Equal("output", _session.OutputNames.Single());
    }

    [Fact]
    public void CommittedModelMatchesGeneratorAndManifest()
    {
        var committed = File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "models", "toon.onnx"));

        Assert.Equal(ToonStyleGraph.Build().ToByteArray(), committed);
        Assert.Equal(ToonStyleGraph.Build().ToByteArray(), ToonStyleGraph.Build().ToByteArray());

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "models", "toon.json")));
        var root = manifest.RootElement;
        Assert.Equal("toon", root.GetProperty("name").GetString());
        Assert.Equal(ToonStyleGraph.InputName, root.GetProperty("input").GetProperty("name").GetString());
        Assert.Equal(ToonStyleGraph.OutputName, root.GetProperty("output").GetProperty("name").GetString());
        Assert.Equal("BGR", root.GetProperty("input").GetProperty("channel_order").GetString());
    }
}
