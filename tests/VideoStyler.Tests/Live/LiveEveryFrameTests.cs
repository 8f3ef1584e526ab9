using System.Text.Json;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Live;

/// <summary>`live --every-frame`: frames the model finishes in time go out as they are, late ones are propagated.</summary>
public class LiveEveryFrameTests
{
    [Fact]
    public async Task Every_frame_sends_frames_the_model_stylized_itself_and_reports_the_mode()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        var statsPath = Path.Combine(folder, "stats.json");
        var run = await Support.Cli.RunAsync(
            [
                "live", "--input", TestPaths.SharedData("help.mkv"), "--realtime", "--loop",
                "--output", $"udp://127.0.0.1:{LiveTestSupport.FreeUdpPort()}",
                "--models-dir", Path.Combine(TestPaths.Shared, "models"),
                "--style", "toon", "--size", "48", "--every-frame",
                "--duration", "4", "--stats", statsPath,
            ],
            TimeSpan.FromMinutes(1));

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(statsPath));
        var stats = json.RootElement;
        var direct = stats.GetProperty("frames_direct").GetInt64();
        var propagated = stats.GetProperty("frames_propagated").GetInt64();
        // A 48-pixel toon frame takes a few ms: most frames go through the network themselves (on a
        // loaded machine some may still be late, so no exact share is asserted).
        Assert.True(direct > 0, stats.ToString());
        Assert.True(direct + propagated + stats.GetProperty("frames_unstyled").GetInt64() >= stats.GetProperty("frames_out").GetInt64() - stats.GetProperty("frames_repeated").GetInt64() - 2, stats.ToString());
        Assert.Contains(stats.GetProperty("every_frame").GetString(), new[] { "keeping up", "falling back: the model is late, frames are propagated" });
    }

    [Fact]
    public async Task A_model_too_slow_for_the_rate_falls_back_to_propagation_with_a_notice()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        var statsPath = Path.Combine(folder, "stats.json");
        // candy at 640x480 needs well over two frame intervals (66 ms) on a CPU: every frame is late.
        var run = await Support.Cli.RunAsync(
            [
                "live", "--input", TestPaths.SharedData("help.mkv"), "--realtime", "--loop",
                "--output", $"udp://127.0.0.1:{LiveTestSupport.FreeUdpPort()}",
                "--style", TestPaths.SharedModel("candy.onnx"), "--size", "480", "--every-frame", "--device", "cpu",
                "--duration", "5", "--stats", statsPath,
            ],
            TimeSpan.FromMinutes(1));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("every frame: the model cannot keep up at 480", run.StdErr);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(statsPath));
        var stats = json.RootElement;
        Assert.StartsWith("falling back", stats.GetProperty("every_frame").GetString());
        Assert.True(stats.GetProperty("frames_propagated").GetInt64() > stats.GetProperty("frames_direct").GetInt64(), stats.ToString());
    }

    [Fact]
    public async Task Without_every_frame_nothing_is_direct_and_the_mode_is_null()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        var statsPath = Path.Combine(folder, "stats.json");
        var run = await Support.Cli.RunAsync(
            [
                "live", "--input", TestPaths.SharedData("help.mkv"), "--realtime",
                "--output", $"udp://127.0.0.1:{LiveTestSupport.FreeUdpPort()}",
                "--models-dir", Path.Combine(TestPaths.Shared, "models"),
                "--style", "toon", "--size", "48", "--duration", "2", "--stats", statsPath,
            ],
            TimeSpan.FromMinutes(1));

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(statsPath));
        Assert.Equal(0, json.RootElement.GetProperty("frames_direct").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("every_frame").ValueKind);
    }
}
