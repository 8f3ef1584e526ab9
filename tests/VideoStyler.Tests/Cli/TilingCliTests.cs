using System.Text.Json;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Cli;

/// <summary>--max-tile through the real tool.</summary>
public class TilingCliTests
{
    [Fact]
    public async Task Max_tile_stylizes_in_tiles_end_to_end()
    {
        // help.mkv is 640x480; at --size 240 the processing size is 320x240, longer than 256: tiles.
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = TestPaths.SharedData("help.mkv");
        var output = Path.Combine(dir, "tiled.mp4");
        var stats = Path.Combine(dir, "stats.json");

        var run = await Support.Cli.RunAsync(
            "stylize", input, "-o", output, "--style", TestPaths.SharedModel("candy.onnx"), "--size", "240", "--max-tile", "256", "--frames", "3", "--stats", stats);

        Assert.True(run.ExitCode == 0, run.ToString());
        var streams = await Ffprobe.ReadAsync(output);
        Assert.Equal((3, 640, 480), (streams.Frames, streams.Width, streams.Height));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(stats));
        Assert.Equal(3, json.RootElement.GetProperty("frames_out").GetInt32());

        var source = TestFrames.Read(input, 3);
        var styled = TestFrames.Read(output, 3);
        try
        {
            Assert.True(TestFrames.MeanAbsDiff(source[2], styled[2]) > 20, "the picture barely changed");
            Assert.True(TestFrames.StructureCorrelation(source[2], styled[2]) > 0.3, "the output lost the scene's structure");
        }
        finally
        {
            foreach (var mat in source.Concat(styled))
            {
                mat.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_max_tile_below_the_minimum_is_a_usage_error()
    {
        var run = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", "never.mp4", "--max-tile", "10");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--max-tile", run.StdErr);
    }
}
