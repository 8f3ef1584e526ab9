using System.Text.Json;
using VideoStyler.Temporal;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Temporal;

public sealed class FlickerMeterTests : IDisposable
{
    private const int Width = 160;
    private const int Height = 120;
    private readonly TempFolder _temp = new();
    private readonly FrameKeeper _frames = new();

    public void Dispose()
    {
        _frames.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void StaticClipStylizedIdentically_HasZeroWarpError()
    {
        var picture = _frames.Keep(TestClips.Texture(Width, Height, seed: 1));
        var stylized = _frames.Keep(TestFrames.Invert(picture));
        var input = TestClips.Write(_temp.Path, "in.mkv", Enumerable.Repeat(picture, 6).ToList());
        var output = TestClips.Write(_temp.Path, "out.mkv", Enumerable.Repeat(stylized, 6).ToList());

        var report = FlickerMeter.Measure(input, output, output);

        Assert.Equal(6, report.Frames);
        Assert.Equal(0, report.EWarpOutput, 12);
        Assert.Equal(0, report.EWarpInput, 12);
        Assert.Equal(1, report.Retention!.Value, 12);
        Assert.Equal(1, report.Sharpness!.Value, 12);
        Assert.Equal(1, report.GramRetention!.Value, 12);
        Assert.Equal(1, report.ContentRatio!.Value, 12);
        Assert.Equal(6, report.StyleFrames);
    }

    [Fact]
    public void KnownShift_ConsistentStylizationIsSteady_AndAddedFlickerIsMeasuredExactly()
    {
        // The scene moves 2 px right and 1 px down per frame. The "stylization" (colour inversion) follows it
        // exactly; the flickering version adds +Delta to every channel on odd frames, so each consecutive pair
        // differs by Delta in all three channels: E_warp = 3 (Delta / 255)^2 wherever the pair is visible.
        const double delta = 20;
        var scene = _frames.Keep(TestClips.Texture(Width + 20, Height + 10, seed: 2));
        var input = _frames.Keep(Enumerable.Range(0, 6).Select(t => TestClips.Crop(scene, 20 - 2 * t, 10 - t, Width, Height)));
        var steady = _frames.Keep(input.Select(TestFrames.Invert));
        var flickering = _frames.Keep(steady.Select((frame, t) => TestFrames.Brighten(frame, t % 2 == 1 ? delta : 0)));
        var inputPath = TestClips.Write(_temp.Path, "in.mkv", input);
        var steadyPath = TestClips.Write(_temp.Path, "steady.mkv", steady);
        var flickeringPath = TestClips.Write(_temp.Path, "flickering.mkv", flickering);

        var steadyReport = FlickerMeter.Measure(inputPath, steadyPath, flickeringPath);
        var flickeringReport = FlickerMeter.Measure(inputPath, flickeringPath, null);

        var expected = 3 * Math.Pow(delta / 255, 2);
        Assert.True(steadyReport.EWarpOutput < 0.01 * expected, $"steady e_warp {steadyReport.EWarpOutput}");
        Assert.True(steadyReport.EWarpInput < 0.01 * expected, $"input e_warp {steadyReport.EWarpInput}");
        Assert.InRange(flickeringReport.EWarpOutput, 0.97 * expected, 1.03 * expected);
        Assert.InRange(steadyReport.FlickerRatio!.Value, 0, 0.01);

        // Retention: the steady output lacks the +Delta of three of the six reference frames.
        var referenceToInput = input.Zip(flickering, TestClips.MeanAbsoluteDifference).Average();
        Assert.Equal(1 - (delta * 3 / 6) / referenceToInput, steadyReport.Retention!.Value, 6);
        Assert.InRange(steadyReport.Sharpness!.Value, 0.99, 1.01);
        Assert.Null(flickeringReport.FlickerRatio);
        Assert.Null(flickeringReport.Retention);
        Assert.Null(flickeringReport.Sharpness);
    }

    [Fact]
    public void Report_SerialisesWithSnakeCaseKeys()
    {
        var report = new FlickerReport { EWarpOutput = 0.01, EWarpInput = 0.001, Frames = 3 };

        using var json = JsonDocument.Parse(report.ToJson());

        var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["e_warp_output", "e_warp_input", "flicker_ratio", "retention", "sharpness", "gram_retention", "content_ratio", "style_frames", "frames"], names);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("flicker_ratio").ValueKind);
        Assert.Equal(3, json.RootElement.GetProperty("frames").GetInt32());
    }

    [Fact]
    public void DifferentFrameCounts_FailWithBothCounts()
    {
        var picture = _frames.Keep(TestClips.Texture(Width, Height, seed: 3));
        var input = TestClips.Write(_temp.Path, "in.mkv", Enumerable.Repeat(picture, 6).ToList());
        var output = TestClips.Write(_temp.Path, "out.mkv", Enumerable.Repeat(picture, 5).ToList());

        var error = Assert.Throws<InvalidDataException>(() => FlickerMeter.Measure(input, output, null));

        Assert.Contains("Frame counts differ", error.Message);
        Assert.Contains("has 6", error.Message);
        Assert.Contains("has 5", error.Message);
    }

    [Fact]
    public void DifferentSizes_FailNamingTheFile()
    {
        var picture = _frames.Keep(TestClips.Texture(Width, Height, seed: 4));
        var small = _frames.Keep(TestClips.Texture(Width / 2, Height / 2, seed: 4));
        var input = TestClips.Write(_temp.Path, "in.mkv", Enumerable.Repeat(picture, 3).ToList());
        var reference = TestClips.Write(_temp.Path, "ref.mkv", Enumerable.Repeat(small, 3).ToList());

        var error = Assert.Throws<InvalidDataException>(() => FlickerMeter.Measure(input, input, reference));

        Assert.Contains("ref.mkv", error.Message);
        Assert.Contains($"expected {Width}x{Height}", error.Message);
    }

    [Fact]
    public void SmallFrames_AreMeasured()
    {
        // OpenCV's sparse-to-dense flow crashed the process at random on frames under about 100x100 with its
        // default 8-pixel grid (too few matches for its 128-neighbour interpolation); the meter now adapts it.
        var scene = _frames.Keep(TestClips.Texture(80, 72, seed: 5));
        var input = _frames.Keep(Enumerable.Range(0, 6).Select(t => TestClips.Crop(scene, 8 - t, 8 - t, 64, 64)));
        var path = TestClips.Write(_temp.Path, "small.mkv", input);

        for (var run = 0; run < 5; run++)
        {
            var report = FlickerMeter.Measure(path, path, path);
            Assert.Equal(6, report.Frames);
            Assert.Equal(1, report.FlickerRatio!.Value, 12);
        }
    }

    [Fact]
    public void TinyFrames_FailClearly()
    {
        var picture = _frames.Keep(TestClips.Texture(24, 24, seed: 6));
        var path = TestClips.Write(_temp.Path, "tiny.mkv", Enumerable.Repeat(picture, 3).ToList());

        var error = Assert.Throws<InvalidDataException>(() => FlickerMeter.Measure(path, path, null));

        Assert.Contains("too small to measure motion", error.Message);
    }

    [Fact]
    public void MissingFile_FailsClearly()
    {
        var missing = Path.Combine(_temp.Path, "missing.mkv");

        var error = Assert.Throws<FileNotFoundException>(() => FlickerMeter.Measure(missing, missing, null));

        Assert.Contains("missing.mkv", error.Message);
    }
}
