using OpenCvSharp;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Stills;

/// <summary>`stylize photo -o out.EXT` through the real tool: real encoders and decoders, the default style.</summary>
public class StillStylizeTests
{
    [Theory]
    [InlineData("in.png", "out.jpg")]
    [InlineData("in.jpg", "out.webp")]
    [InlineData("in.webp", "out.tif")]
    [InlineData("in.tif", "out.bmp")]
    [InlineData("in.bmp", "out.png")]
    [InlineData("in.jpeg", "out.tiff")]
    [InlineData("in.tiff", "out.jpeg")]
    public async Task Each_format_in_and_out_keeps_the_exact_size_and_carries_the_marking(string inputName, string outputName)
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        using var cat = TestImages.Cat();
        var input = TestImages.Write(dir, inputName, cat);
        var output = Path.Combine(dir, outputName);

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var styled = Cv2.ImRead(output, ImreadModes.Unchanged);
        Assert.False(styled.Empty(), $"OpenCV cannot read {outputName} back");
        Assert.Equal((151, 101, 3), (styled.Width, styled.Height, styled.Channels()));
        Assert.True(TestFrames.MeanAbsDiff(cat, styled) > 5, "the picture was not stylized");
        Assert.True(TestFrames.StructureCorrelation(cat, styled) > 0.3, "the output lost the picture's structure");
        Assert.Equal(new[] { inputName, outputName }.Order(StringComparer.Ordinal), TestImages.FilesIn(dir), StringComparer.Ordinal);

        var inspect = await Support.Cli.RunAsync("inspect", output);
        if (outputName.EndsWith(".bmp", StringComparison.Ordinal))
        {
            Assert.Contains("BMP has no metadata", run.StdErr);
            Assert.True(inspect.ExitCode == 1, inspect.ToString());
            Assert.Contains("no VideoStyler marking", inspect.StdOut);
        }
        else
        {
            Assert.True(inspect.ExitCode == 0, inspect.ToString());
            Assert.Contains("ai-stylized:  yes", inspect.StdOut);
            Assert.Contains("style:        starry-night", inspect.StdOut);
            Assert.Contains("(151x101,", inspect.StdOut);
        }
    }

    [Fact]
    public async Task A_style_image_paints_the_still_with_that_picture_not_the_default()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        using var cat = TestImages.Cat(160, 120);
        var input = TestImages.Write(dir, "cat.jpg", cat);
        var wave = Path.Combine(dir, "wave.png");
        var starry = Path.Combine(dir, "starry.png");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", wave, "--style-image", Path.Combine(TestPaths.Shared, "styles", "hokusai-great-wave.jpg"));
        var byDefault = await Support.Cli.RunAsync("stylize", input, "-o", starry);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(byDefault.ExitCode == 0, byDefault.ToString());
        Assert.Contains("style hokusai-great-wave", run.StdErr + run.StdOut);
        var inspect = await Support.Cli.RunAsync("inspect", wave);
        Assert.Contains("style:        hokusai-great-wave", inspect.StdOut);
        using var waveOut = Cv2.ImRead(wave, ImreadModes.Color);
        using var starryOut = Cv2.ImRead(starry, ImreadModes.Color);
        Assert.True(TestFrames.MeanAbsDiff(waveOut, starryOut) > 10, $"the style picture made no difference: {TestFrames.MeanAbsDiff(waveOut, starryOut):0.0}");
    }

    [Theory]
    [InlineData(3, RotateFlags.Rotate180)]
    [InlineData(6, RotateFlags.Rotate90Clockwise)]
    [InlineData(8, RotateFlags.Rotate90Counterclockwise)]
    public async Task A_phone_photo_with_an_EXIF_orientation_comes_out_upright(int orientation, RotateFlags display)
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        using var stored = TestImages.Cat(120, 80);
        var input = TestImages.JpegWithOrientation(dir, "phone.jpg", stored, orientation);
        var output = Path.Combine(dir, "upright.png");

        // toon at --strength 0 gives back the input picture (a picture style at strength 0 is only close to it), so the output can be compared pixel for pixel.
        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--strength", "0", "--style", "toon");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var decoded = Cv2.ImRead(input, ImreadModes.Color | ImreadModes.IgnoreOrientation);
        using var expected = new Mat();
        Cv2.Rotate(decoded, expected, display);
        using var result = Cv2.ImRead(output, ImreadModes.Unchanged);
        Assert.Equal(expected.Size(), result.Size());
        Assert.True(TestFrames.MeanAbsDiff(expected, result) < 1.0, $"not the upright picture: {TestFrames.MeanAbsDiff(expected, result):0.00}");
        if (orientation != 3)
        {
            using var wrongWay = new Mat();
            Cv2.Rotate(decoded, wrongWay, display == RotateFlags.Rotate90Clockwise ? RotateFlags.Rotate90Counterclockwise : RotateFlags.Rotate90Clockwise);
            Assert.True(TestFrames.MeanAbsDiff(wrongWay, result) > 10, "the comparison cannot tell the two directions apart");
        }

        // Written upright, so no orientation tag may be left to turn it again.
        var bytes = File.ReadAllBytes(output);
        Assert.DoesNotContain("Exif", System.Text.Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, RotateFlags.Rotate180)]
    [InlineData(6, RotateFlags.Rotate90Clockwise)]
    [InlineData(8, RotateFlags.Rotate90Counterclockwise)]
    public async Task A_TIFF_with_an_orientation_tag_comes_out_upright_once(int orientation, RotateFlags display)
    {
        // OpenCV's TIFF decoder turns TIFFs upright itself: the picture must be turned once, not twice.
        using var temp = new TempFolder();
        var dir = temp.Path;
        using var cat = TestImages.Cat(60, 40);
        using var stored = cat.CvtColor(ColorConversionCodes.BGR2GRAY);
        var input = TestImages.TiffWithOrientation(dir, "scan.tif", stored, orientation);
        var output = Path.Combine(dir, "upright.png");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--strength", "0", "--style", "toon");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var upright = new Mat();
        Cv2.Rotate(stored, upright, display);
        using var expected = upright.CvtColor(ColorConversionCodes.GRAY2BGR);
        using var result = Cv2.ImRead(output, ImreadModes.Unchanged);
        Assert.Equal(expected.Size(), result.Size());
        Assert.True(TestFrames.MeanAbsDiff(expected, result) < 1.0, $"not the upright picture: {TestFrames.MeanAbsDiff(expected, result):0.00}");
    }

    [Fact]
    public async Task Alpha_is_kept_in_PNG_and_flattened_onto_white_in_JPEG()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        using var cat = TestImages.Cat();
        using var alpha = new Mat(cat.Size(), MatType.CV_8UC1, Scalar.All(255));
        alpha[new Rect(75, 0, 76, 101)].SetTo(Scalar.All(0));
        alpha[new Rect(0, 50, 75, 20)].SetTo(Scalar.All(128));
        using var bgra = new Mat();
        Cv2.Merge([.. Cv2.Split(cat), alpha], bgra);
        var input = TestImages.Write(dir, "cut-out.png", bgra);

        var png = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "out.png"));
        var jpg = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "out.jpg"));

        Assert.True(png.ExitCode == 0, png.ToString());
        using var withAlpha = Cv2.ImRead(Path.Combine(dir, "out.png"), ImreadModes.Unchanged);
        Assert.Equal(4, withAlpha.Channels());
        using var outAlpha = new Mat();
        Cv2.ExtractChannel(withAlpha, outAlpha, 3);
        Assert.Equal(0, Cv2.CountNonZero(outAlpha.NotEquals(alpha)));

        Assert.True(jpg.ExitCode == 0, jpg.ToString());
        Assert.Contains("has an alpha channel, which JPEG cannot hold", jpg.StdErr);
        using var flat = Cv2.ImRead(Path.Combine(dir, "out.jpg"), ImreadModes.Unchanged);
        Assert.Equal(3, flat.Channels());
        Assert.Equal((151, 101), (flat.Width, flat.Height));
    }

    [Fact]
    public async Task A_grayscale_photo_comes_out_in_colour()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var output = Path.Combine(dir, "coins.jpg");

        var run = await Support.Cli.RunAsync(
            "stylize", TestImages.SharedPhoto("coins-gray.png"), "-o", output, "--style", TestPaths.SharedModel("candy.onnx"), "--size", "96");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var source = Cv2.ImRead(TestImages.SharedPhoto("coins-gray.png"), ImreadModes.Unchanged);
        Assert.Equal(1, source.Channels());
        using var styled = Cv2.ImRead(output, ImreadModes.Unchanged);
        Assert.Equal((source.Width, source.Height, 3), (styled.Width, styled.Height, styled.Channels()));
        using var hsv = styled.CvtColor(ColorConversionCodes.BGR2HSV);
        Assert.True(hsv.Mean().Val1 > 40, $"mean saturation {hsv.Mean().Val1:0.0}: the output is not in colour");
    }

    [Fact]
    public async Task A_large_photo_is_stylized_in_tiles_at_its_own_size()
    {
        // 2400x1800 at its own size is longer than --max-tile 1024: tiles (the default 1920 tiles a 12 MP photo alike).
        using var temp = new TempFolder();
        var dir = temp.Path;
        using var cat = TestImages.Cat(2400, 1800);
        var input = TestImages.Write(dir, "large.jpg", cat);
        var output = Path.Combine(dir, "large.png");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--max-tile", "1024");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("2400x1800 stylized in 3x2 tiles", run.StdErr);
        using var styled = Cv2.ImRead(output, ImreadModes.Color);
        Assert.Equal((2400, 1800), (styled.Width, styled.Height));
        Assert.True(TestFrames.MeanAbsDiff(cat, styled) > 5, "the picture was not stylized");
    }

    [Fact]
    public async Task A_folder_of_images_and_videos_goes_to_the_same_names_and_is_not_redone()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var inputs = Directory.CreateDirectory(Path.Combine(dir, "in")).FullName;
        var outputs = Path.Combine(dir, "out");
        using var cat = TestImages.Cat();
        TestImages.Write(inputs, "a.png", cat);
        TestImages.Write(inputs, "b.JPG", cat);
        File.Copy(TestPaths.SharedData("help.mkv"), Path.Combine(inputs, "clip.mkv"));
        File.WriteAllText(Path.Combine(inputs, "notes.txt"), "not a picture");

        var first = await Support.Cli.RunAsync("stylize", inputs, "-o", outputs, "--frames", "2", "--size", "64");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(["a.png", "b.jpg", "clip.mkv"], TestImages.FilesIn(outputs));
        Assert.Contains("3 done, 0 skipped, 0 failed", first.StdOut);
        using (var b = Cv2.ImRead(Path.Combine(outputs, "b.jpg"), ImreadModes.Color))
        {
            Assert.Equal((151, 101), (b.Width, b.Height));
        }

        var written = File.GetLastWriteTimeUtc(Path.Combine(outputs, "a.png"));
        var second = await Support.Cli.RunAsync("stylize", inputs, "-o", outputs, "--frames", "2", "--size", "64");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("0 done, 3 skipped, 0 failed", second.StdOut);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(outputs, "a.png")));
        Assert.Equal(["a.png", "b.jpg", "clip.mkv"], TestImages.FilesIn(outputs));
    }

    [Fact]
    public async Task Preview_of_a_video_run_is_the_middle_frame_before_and_after()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var output = Path.Combine(dir, "out.mp4");
        var preview = Path.Combine(dir, "preview.png");

        var run = await Support.Cli.RunAsync(
            "stylize", TestPaths.SharedData("help.mkv"), "-o", output, "--frames", "6", "--size", "96", "--no-temporal", "--preview", preview);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var pair = Cv2.ImRead(preview, ImreadModes.Color);
        Assert.Equal((1280, 480), (pair.Width, pair.Height));
        using var before = pair[new Rect(0, 0, 640, 480)];
        using var after = pair[new Rect(640, 0, 640, 480)];
        var source = TestFrames.Read(TestPaths.SharedData("help.mkv"), 6);
        var styled = TestFrames.Read(output, 6);
        try
        {
            // The left half is an input frame from the middle of the 6 stylized, the right half the output's.
            Assert.True(TestFrames.MeanAbsDiff(before, source[3]) < 3 || TestFrames.MeanAbsDiff(before, source[2]) < 3, "left is not the input's middle frame");
            Assert.True(TestFrames.MeanAbsDiff(after, styled[3]) < 3 || TestFrames.MeanAbsDiff(after, styled[2]) < 3, "right is not the output's middle frame");
            Assert.True(TestFrames.MeanAbsDiff(before, after) > 5, "before and after are the same picture");
        }
        finally
        {
            foreach (var mat in source.Concat(styled))
            {
                mat.Dispose();
            }
        }

        var inspect = await Support.Cli.RunAsync("inspect", preview);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());

        // An existing preview is not replaced without --force, and the run is refused before any work.
        File.Delete(output);
        var again = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", output, "--frames", "2", "--preview", preview);
        CliAssert.OneLineError(again, "already exists");
        Assert.Equal(1, again.ExitCode);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task A_still_preview_is_the_picture_before_and_after()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        using var cat = TestImages.Cat();
        var input = TestImages.Write(dir, "cat.png", cat);

        var run = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "out.png"), "--preview", Path.Combine(dir, "pair.jpg"));

        Assert.True(run.ExitCode == 0, run.ToString());
        using var pair = Cv2.ImRead(Path.Combine(dir, "pair.jpg"), ImreadModes.Color);
        using var styled = Cv2.ImRead(Path.Combine(dir, "out.png"), ImreadModes.Color);
        Assert.Equal((302, 101), (pair.Width, pair.Height));
        Assert.True(TestFrames.MeanAbsDiff(pair[new Rect(0, 0, 151, 101)], cat) < 4);
        Assert.True(TestFrames.MeanAbsDiff(pair[new Rect(151, 0, 151, 101)], styled) < 4);
    }
}
