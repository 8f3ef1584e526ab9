using System.Text.Json;
using VideoStyler.Tests.Support;
using static VideoStyler.Tests.Live.LiveTestSupport;

namespace VideoStyler.Tests.Live;

/// <summary>
/// `live --every-frame`: frames the model finishes in time go out as they are, late ones are propagated.
/// Looped runs are stopped with Ctrl-C once /status shows what the test needs, not after a fixed
/// --duration (on a loaded machine a few seconds may pass before the first frame).
/// </summary>
public class LiveEveryFrameTests
{
    private static readonly string[] EveryFrameStates = ["keeping up", "falling back: the model is late, frames are propagated"];

    [Fact]
    public async Task Every_frame_sends_frames_the_model_stylized_itself_and_reports_the_mode()
    {
        var stats = await RunUntilAsync(
            [
                "--realtime", "--loop", "--models-dir", Path.Combine(TestPaths.Shared, "models"),
                "--style", "toon", "--size", "48", "--every-frame",
            ],
            s => Get(s, "frames_out") >= 120,
            "120 frames out");

        var direct = Get(stats, "frames_direct");
        var propagated = Get(stats, "frames_propagated");
        // A 48-pixel toon frame takes a few ms: most frames go through the network themselves (on a
        // loaded machine some may still be late, so no exact share is asserted).
        Assert.True(direct > 0, stats.ToString());
        Assert.True(direct + propagated + Get(stats, "frames_unstyled") >= Get(stats, "frames_out") - Get(stats, "frames_repeated") - 2, stats.ToString());
        Assert.Contains(stats.GetProperty("every_frame").GetString(), EveryFrameStates, StringComparer.Ordinal);
    }

    [Fact]
    public async Task A_model_too_slow_for_the_rate_falls_back_to_propagation_with_a_notice()
    {
        // candy at 640x480 needs well over two frame intervals (66 ms) on a CPU: every frame is late.
        var stats = await RunUntilAsync(
            ["--realtime", "--loop", "--style", TestPaths.SharedModel("candy.onnx"), "--size", "480", "--every-frame", "--device", "cpu"],
            s => s.GetProperty("every_frame").GetString()?.StartsWith("falling back", StringComparison.Ordinal) == true && Get(s, "frames_out") >= 60,
            "the fall-back and 60 frames out",
            stdErr => Assert.Contains("every frame: the model cannot keep up at 480", stdErr));

        Assert.StartsWith("falling back", stats.GetProperty("every_frame").GetString());
        Assert.True(Get(stats, "frames_propagated") > Get(stats, "frames_direct"), stats.ToString());
    }

    [Fact]
    public async Task Without_every_frame_nothing_is_direct_and_the_mode_is_null()
    {
        // Not looped: the run ends with the clip.
        using var temp = new TempFolder();
        var statsPath = temp.File("stats.json");
        using var sink = new UdpReceiver(temp.File("received.ts"));
        var run = await Support.Cli.RunAsync(
            [
                "live", "--input", TestPaths.SharedData("help.mkv"), "--realtime", "--output", sink.Url,
                "--models-dir", Path.Combine(TestPaths.Shared, "models"), "--style", "toon", "--size", "48", "--stats", statsPath,
            ],
            TimeSpan.FromMinutes(3));

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(statsPath));
        Assert.True(Get(json.RootElement, "frames_out") > 0, json.RootElement.ToString());
        Assert.Equal(0, Get(json.RootElement, "frames_direct"));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("every_frame").ValueKind);
    }

    /// <summary>
    /// help.mkv to a UDP sink held by the test, with <paramref name="extra"/>; stopped with Ctrl-C once
    /// /status meets <paramref name="condition"/>; the --stats it wrote at the end.
    /// </summary>
    private static async Task<JsonElement> RunUntilAsync(string[] extra, Func<JsonElement, bool> condition, string what, Action<string>? checkStdErr = null)
    {
        using var temp = new TempFolder();
        var statsPath = temp.File("stats.json");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var sink = new UdpReceiver(temp.File("received.ts"));
        // The long --duration only ends a run the test lost.
        var (run, controlPort) = await LiveControl.StartAsync(
            ["live", "--input", TestPaths.SharedData("help.mkv"), "--output", sink.Url, .. extra, "--duration", "600", "--stats", statsPath]);
        using var live = run;
        await WaitForStatusAsync(http, controlPort, live, condition, what, 120);

        live.Signal("INT");
        var result = await live.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());
        checkStdErr?.Invoke(result.StdErr);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(statsPath));
        return json.RootElement.Clone();
    }
}
