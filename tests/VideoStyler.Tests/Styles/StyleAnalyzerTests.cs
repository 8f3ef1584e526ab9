using OpenCvSharp;
using VideoStyler.Stylize.Arbitrary;
using VideoStyler.Styles;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Styles;

/// <summary>Tags computed from synthetic pictures whose answer is known, and from the shipped paintings (pinned).</summary>
public class StyleAnalyzerTests
{
    [Fact]
    public void Red_to_yellow_gradient_is_warm_and_vivid()
    {
        using var image = HueGradient(0, 60, 1.0, 1.0);
        var tags = StyleAnalyzer.Analyze(image).Tags;
        Assert.Equal("warm,vivid,light", tags["palette"]);
    }

    [Fact]
    public void Blue_gradient_is_cool()
    {
        using var image = HueGradient(190, 250, 0.8, 0.7);
        var analysis = StyleAnalyzer.Analyze(image);
        Assert.StartsWith("cool,vivid", analysis.Tags["palette"]);
        Assert.True(analysis.Measures.Warmth < -0.99, $"warmth {analysis.Measures.Warmth}");
    }

    [Fact]
    public void Dark_grey_is_neutral_muted_dark_and_low_contrast()
    {
        using var image = new Mat(200, 300, MatType.CV_8UC3, new Scalar(50, 52, 55));
        var tags = StyleAnalyzer.Analyze(image).Tags;
        Assert.Equal("neutral,muted,dark", tags["palette"]);
        Assert.Equal("low", tags["contrast"]);
    }

    [Fact]
    public void Fine_checkerboard_is_fine_and_big_blocks_are_bold()
    {
        using var fine = Checkerboard(512, 2);
        using var bold = Checkerboard(512, 128);
        var fineAnalysis = StyleAnalyzer.Analyze(fine);
        var boldAnalysis = StyleAnalyzer.Analyze(bold);
        Assert.Equal("fine", fineAnalysis.Tags["texture"]);
        Assert.Equal("bold", boldAnalysis.Tags["texture"]);
        Assert.True(fineAnalysis.Measures.BandEnergy[0] > 0.9, string.Join(" ", fineAnalysis.Measures.BandEnergy));
        Assert.Equal("high", boldAnalysis.Tags["contrast"]);
    }

    [Fact]
    public void Blocks_of_a_twentieth_of_the_picture_are_medium()
    {
        using var medium = Checkerboard(512, 24);
        var analysis = StyleAnalyzer.Analyze(medium);
        Assert.True(analysis.Tags["texture"] == "medium", $"octave {analysis.Measures.StrokeOctave}");
    }

    [Fact]
    public void Palette_of_a_two_colour_picture_is_those_colours_with_their_shares()
    {
        using var image = new Mat(100, 100, MatType.CV_8UC3, new Scalar(200, 30, 20)); // BGR: a blue
        image[new Rect(0, 0, 25, 100)].SetTo(new Scalar(10, 140, 250)); // an orange quarter
        var palette = PaletteExtractor.Extract(image, 2);
        Assert.Equal(2, palette.Count);
        Assert.Equal("#141EC8", palette[0].Hex);
        Assert.Equal(0.75, palette[0].Share, 2);
        Assert.Equal("#FA8C0A", palette[1].Hex);
        Assert.Equal(0.25, palette[1].Share, 2);
    }

    [Fact]
    public void Analysis_is_deterministic()
    {
        using var image = Cv2.ImRead(Path.Combine(TestPaths.Shared, "styles", "roman-mosaic-ducks.jpg"));
        var first = StyleAnalyzer.Analyze(image);
        var second = StyleAnalyzer.Analyze(image);
        Assert.Equal(first.Palette, second.Palette);
        Assert.Equal(first.Measures.BandEnergy, second.Measures.BandEnergy);
        Assert.Equal(first.Measures with { BandEnergy = [] }, second.Measures with { BandEnergy = [] });
        Assert.Equal(first.Tags, second.Tags);
    }

    [Theory]
    [InlineData("great-wave", "neutral,muted,light", "medium", "normal")]
    [InlineData("starry-night", "cool,vivid", "medium", "low")]
    [InlineData("scream", "warm,vivid", "bold", "low")]
    [InlineData("composition-vii", "warm,vivid,light", "medium", "normal")]
    [InlineData("udnie", "neutral,muted", "bold", "normal")]
    [InlineData("shipwreck", "warm,muted,dark", "medium", "normal")]
    [InlineData("cubist-composition", "warm,muted,light", "fine", "normal")]
    [InlineData("woman-with-a-hat", "neutral,vivid,light", "bold", "normal")]
    public void Shipped_styles_have_pinned_tags_and_their_manifest_matches_a_fresh_analysis(string name, string palette, string texture, string contrast)
    {
        var folder = Path.Combine(TestPaths.RepoRoot, "styles", name);
        var manifest = StyleManifest.Load(Path.Combine(folder, StyleManifest.FileName));
        using var picture = StyleImage.Load(Path.Combine(folder, manifest.Image));
        var analysis = StyleAnalyzer.Analyze(picture);

        Assert.Equal(palette, analysis.Tags["palette"]);
        Assert.Equal(texture, analysis.Tags["texture"]);
        Assert.Equal(contrast, analysis.Tags["contrast"]);
        foreach (var (key, value) in analysis.Tags)
        {
            Assert.Equal(value, manifest.Tags[key]);
        }

        Assert.Equal(analysis.Palette, manifest.Palette);
        Assert.Equal(analysis.Measures.StrokeOctave, manifest.Measures!.StrokeOctave);
        Assert.Equal(["contrast", "palette", "texture"], manifest.ComputedTags);
        Assert.True(File.Exists(Path.Combine(folder, manifest.Thumbnail)));
        Assert.Equal("Public domain", manifest.License);
        Assert.False(string.IsNullOrEmpty(manifest.Provenance));
    }

    private static Mat HueGradient(double fromHue, double toHue, double saturation, double value)
    {
        const int rows = 120, cols = 240;
        using var hsv = new Mat(rows, cols, MatType.CV_32FC3);
        var pixels = new Vec3f[rows * cols];
        for (var y = 0; y < rows; y++)
        {
            for (var x = 0; x < cols; x++)
            {
                pixels[(y * cols) + x] = new Vec3f((float)(fromHue + ((toHue - fromHue) * x / (cols - 1))), (float)saturation, (float)value);
            }
        }

        hsv.SetArray(pixels);
        using var bgrFloat = new Mat();
        Cv2.CvtColor(hsv, bgrFloat, ColorConversionCodes.HSV2BGR);
        var bgr = new Mat();
        bgrFloat.ConvertTo(bgr, MatType.CV_8UC3, 255);
        return bgr;
    }

    private static Mat Checkerboard(int side, int square)
    {
        var image = new Mat(side, side, MatType.CV_8UC3, Scalar.All(30));
        for (var y = 0; y < side; y += square)
        {
            for (var x = (y / square) % 2 * square; x < side; x += 2 * square)
            {
                image[new Rect(x, y, Math.Min(square, side - x), Math.Min(square, side - y))].SetTo(Scalar.All(220));
            }
        }

        return image;
    }
}
