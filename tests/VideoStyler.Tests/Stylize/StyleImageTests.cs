using System.Buffers.Binary;
using OpenCvSharp;
using VideoStyler.Stylize.Arbitrary;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Stylize;

/// <summary>Style pictures that cannot be styles, or need care (gray, alpha, huge), and --style-image end to end.</summary>
public class StyleImageTests
{
    [Fact]
    public void WhatCannotBeAStyleIsRefusedInOneLine()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        var empty = Path.Combine(folder, "empty.jpg");
        File.WriteAllBytes(empty, []);
        var text = Path.Combine(folder, "notes.png");
        File.WriteAllText(text, "not a picture");
        var tiny = Path.Combine(folder, "pixel.png");
        using (var pixel = new Mat(1, 1, MatType.CV_8UC3, new Scalar(10, 200, 30)))
        {
            Cv2.ImWrite(tiny, pixel);
        }

        // A PNG whose header says 20000 x 20000: refused from the header, before any decoding.
        var huge = Path.Combine(folder, "huge.png");
        var header = new byte[64];
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
        signature.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(16), 20000);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(20), 20000);
        File.WriteAllBytes(huge, header);

        Assert.Contains("empty", Refused(empty));
        Assert.Contains("not a picture", Refused(text));
        Assert.Contains("1x1 pixels", Refused(tiny));
        Assert.Contains("20000x20000", Refused(huge));
        Assert.Contains("not found", Refused(Path.Combine(folder, "missing.jpg")));
        Assert.Contains("folder", Refused(folder));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void GrayAlphaAndLargeJpegPicturesAreUsable()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        using var gray = StyleImage.Load(Path.Combine(TestPaths.Shared, "photos", "brick-texture-gray.png"));

        // Left half opaque red, right half fully transparent: composited over white.
        var alphaPath = Path.Combine(folder, "alpha.png");
        using (var bgra = new Mat(32, 32, MatType.CV_8UC4, new Scalar(0, 0, 255, 255)))
        {
            bgra[new Rect(16, 0, 16, 32)].SetTo(new Scalar(0, 0, 0, 0));
            Cv2.ImWrite(alphaPath, bgra);
        }

        using var alpha = StyleImage.Load(alphaPath);

        // A 6000 x 4500 JPEG is decoded at half size or less by the JPEG decoder.
        var bigPath = Path.Combine(folder, "big.jpg");
        using (var big = new Mat(4500, 6000, MatType.CV_8UC3))
        {
            Cv2.Randu(big, Scalar.All(0), Scalar.All(255));
            Cv2.ImWrite(bigPath, big);
        }

        using var reduced = StyleImage.Load(bigPath);

        Assert.Equal(MatType.CV_8UC3, gray.Type());
        Assert.Equal(new Size(512, 512), gray.Size());
        Assert.Equal(new Vec3b(0, 0, 255), alpha.At<Vec3b>(5, 5));
        Assert.Equal(new Vec3b(255, 255, 255), alpha.At<Vec3b>(5, 25));
        Assert.Equal(new Size(3000, 2250), reduced.Size());
        using var predictor = StylePredictor.Load();
        Assert.Equal(MagentaModels.VectorLength, predictor.Predict(gray).Length);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task StylizeWithAStyleImageEndToEndAndABadStyleImageInOneLine()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        var output = Path.Combine(folder, "out.mp4");
        var notAPicture = Path.Combine(folder, "style.jpg");
        await File.WriteAllTextAsync(notAPicture, "hello");

        var run = await Support.Cli.RunAsync(
            "stylize", TestPaths.SharedData("help.mkv"), "-o", output, "--frames", "3", "--size", "128", "--no-temporal",
            "--style-image", Path.Combine(TestPaths.Shared, "styles", "hokusai-great-wave.jpg"), "--strength", "0.8");
        var bad = await Support.Cli.RunAsync(
            "stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(folder, "bad.mp4"), "--frames", "3", "--style-image", notAPicture);
        var noVector = await Support.Cli.RunAsync(
            "stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(folder, "novector.mp4"), "--frames", "3",
            "--style", Path.Combine(TestPaths.RepoRoot, "models", "magenta", "style_transfer.onnx"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("style hokusai-great-wave@0.8", run.StdOut);
        var frames = TestFrames.Read(output);
        Assert.Equal(3, frames.Count);
        Assert.Equal(new Size(640, 480), frames[0].Size());
        frames.ForEach(f => f.Dispose());
        CliAssert.OneLineError(bad, "not a picture");
        Assert.Equal(1, bad.ExitCode);
        Assert.False(File.Exists(Path.Combine(folder, "bad.mp4")));
        CliAssert.OneLineError(noVector, "needs a style vector");
        Assert.False(File.Exists(Path.Combine(folder, "novector.mp4")));
        Directory.Delete(folder, recursive: true);
    }

    private static string Refused(string path) =>
        Assert.Throws<UserFacingException>(() => StyleImage.Load(path).Dispose()).Message;
}
