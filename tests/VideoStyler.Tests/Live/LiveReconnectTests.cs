using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using VideoStyler.Media;
using VideoStyler.Tests.Support;
using static VideoStyler.Tests.Live.LiveTestSupport;

namespace VideoStyler.Tests.Live;

/// <summary>
/// A live source that disappears: the stream is MPEG-TS over TCP served by the test (from an ffmpeg
/// child), which the test closes (the stream closes) or freezes with SIGSTOP (the stream hangs), then
/// serves again. The live run must keep its recording sink fed, show the placeholder card, reconnect, and
/// finish one playable recording (the sink process is never restarted).
/// </summary>
public class LiveReconnectTests
{
    private static readonly string[] Quiet = ["-hide_banner", "-loglevel", "error", "-nostdin"];

    [Fact]
    public async Task A_stream_that_closes_or_hangs_is_covered_by_repeats_and_a_placeholder_then_reconnected()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        var recording = Path.Combine(folder, "show.mkv");
        var statsPath = Path.Combine(folder, "stats.json");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        using var server = Serve();
        // Ended with Ctrl-C; the long --duration only ends a run the test lost. --stall-timeout 2, not 1: with the
        // whole suite running on 2 cores, a 1 s gap in the frames read happened in a few runs before the test
        // froze the stream (taken as an extra loss; the server serves one client, so the counts then failed).
        var (run, controlPort) = await LiveControl.StartAsync([
            // toon: bright, cheap frames, so the dim placeholder cards stand out in the recording (the test is
            // about reconnecting, not about the style).
            "live", "--input", server.Url, "--video-size", "320x240", "--fps", "30", "--style", "toon",
            "--output", recording, "--size", "120", "--stall-timeout", "2", "--stats", statsPath, "--duration", "600",
        ]);
        using var live = run;
        await WaitForStatusAsync(http, controlPort, live, s => Get(s, "frames_out") >= 30, "30 frames out", 60);

        // 1. The stream closes: the output goes on, first repeating the last frame, then the card.
        server.Close();
        var lost = await WaitForStatusAsync(http, controlPort, live, s => s.GetProperty("source_state").GetString() == "lost", "the loss noticed", 30);
        var covered = await WaitForStatusAsync(http, controlPort, live, s => Get(s, "frames_placeholder") >= 10, "placeholder frames", 30);
        Assert.True(Get(covered, "frames_out") - Get(lost, "frames_out") >= 30, $"the output stalled while the source was lost: {lost} -> {covered}");
        Assert.True(Get(covered, "frames_repeated") > 0, covered.ToString());
        Assert.Equal(Get(lost, "frames_in"), Get(covered, "frames_in"));

        // 2. The stream is served again: the run reconnects on its own and new frames come in.
        server.Reopen();
        var back = await WaitForStatusAsync(
            http, controlPort, live, s => Get(s, "reconnects") >= 1 && Get(s, "frames_in") >= Get(covered, "frames_in") + 30, "the reconnect", 60);
        Assert.Equal("live", back.GetProperty("source_state").GetString());

        // 3. The stream hangs (connection open, nothing sent): the stall timeout takes it as lost.
        server.Freeze();
        await WaitForStatusAsync(http, controlPort, live, s => Get(s, "source_lost") >= 2, "the stall noticed", 30);
        server.Reopen();
        var again = await WaitForStatusAsync(
            http, controlPort, live, s => Get(s, "reconnects") >= 2 && Get(s, "frames_in") >= Get(back, "frames_in") + 30, "the second reconnect", 60);
        Assert.True(Get(again, "reconnect_attempts") >= 2, again.ToString());

        live.Signal("INT");
        var result = await live.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("   at ", result.StdErr);
        // One line per state change: two losses (the second a stall), two returns.
        Assert.Equal(2, Lines(result.StdErr, "live: source lost ("));
        Assert.Equal(1, Lines(result.StdErr, "live: source lost (no frame for 2 s)"));
        Assert.Equal(2, Lines(result.StdErr, "live: source back after "));
        Assert.True(result.StdErr.Split('\n').Count(l => l.Contains("; retrying in ", StringComparison.Ordinal)) >= 2, result.StdErr);

        using var stats = JsonDocument.Parse(await File.ReadAllTextAsync(statsPath));
        var root = stats.RootElement;
        Assert.Equal(2, Get(root, "source_lost"));
        Assert.Equal(2, Get(root, "reconnects"));
        var placeholders = Get(root, "frames_placeholder");

        // One recording from start to end: every frame sent is in it, the cards among them.
        var brightness = await FrameBrightnessAsync(recording, folder);
        Assert.Equal(Get(root, "frames_out"), brightness.Count);
        // The reference is the stream's own frames before the first loss (the first 30 sent), not the
        // median of the whole recording: on a loaded machine the cards can be half of it or more.
        var median = brightness.Take(30).Order().ElementAt(15);
        var dim = brightness.Count(b => b < 0.6 * median);
        Assert.True(dim >= placeholders * 0.8 && dim <= placeholders + 10, $"{dim} dim frames in the recording, {placeholders} placeholder frames sent");
    }

    [Fact]
    public async Task A_source_lost_past_the_reconnect_timeout_ends_the_run_with_an_error_and_a_finished_recording()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        var recording = Path.Combine(folder, "show.mkv");
        var statsPath = Path.Combine(folder, "stats.json");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var server = Serve();
        // The long --duration only ends a run the test lost.
        var (run, controlPort) = await LiveControl.StartAsync([
            "live", "--input", server.Url, "--video-size", "320x240", "--fps", "30",
            "--output", recording, "--size", "120", "--reconnect-timeout", "1.5", "--stats", statsPath, "--duration", "600",
        ]);
        using var live = run;
        await WaitForStatusAsync(http, controlPort, live, s => Get(s, "frames_out") >= 30, "30 frames out", 60);
        server.Close();

        var result = await live.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 1, result.ToString());
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"error: live: {server.Url} was lost for ", lines[^1]);
        Assert.EndsWith("and did not come back (--reconnect-timeout 1.5)", lines[^1]);
        Assert.Contains("giving up after", lines[^2]);
        Assert.DoesNotContain("   at ", result.StdErr);

        // The stats are written and the recording is finished (the sink ended normally, not killed).
        using var stats = JsonDocument.Parse(await File.ReadAllTextAsync(statsPath));
        Assert.Equal(1, Get(stats.RootElement, "source_lost"));
        Assert.Equal(0, Get(stats.RootElement, "reconnects"));
        var frames = await FrameBrightnessAsync(recording, folder);
        Assert.Equal(Get(stats.RootElement, "frames_out"), frames.Count);
    }

    [Fact]
    public async Task A_stream_that_never_opens_is_a_one_line_error_not_an_endless_retry()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        // A port bound by the test but not listening: connections to it are refused, and no other process can
        // start listening there meanwhile.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)closed.LocalEndPoint!).Port;
        var result = await Support.Cli.RunAsync(
            [
                "live", "--input", $"tcp://127.0.0.1:{port}", "--video-size", "320x240", "--fps", "30",
                "--output", Path.Combine(folder, "never.mkv"), "--size", "120",
            ],
            TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 1, result.ToString());
        // The start line ("live: SRC -> SINK; style ...") comes before the source is opened; then one error line.
        var errors = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, result.ToString());
        Assert.Contains($"tcp://127.0.0.1:{port}", errors[0]);
        Assert.Contains("Connection refused", errors[0]);
        Assert.DoesNotContain("retrying", result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr);
    }

    [Fact]
    public void Backoff_doubles_from_half_a_second_to_a_cap_of_eight()
    {
        var delays = Enumerable.Range(1, 7).Select(a => ReconnectBackoff.Default.Delay(a).TotalSeconds).ToArray();
        Assert.Equal([0.5, 1, 2, 4, 8, 8, 8], delays);
        Assert.Equal(TimeSpan.FromSeconds(8), ReconnectBackoff.Default.Delay(1000));
    }

    /// <summary>help.mkv served in real time as MPEG-TS to the first client, on a port the system picked.</summary>
    private static TcpStreamServer Serve() => new(TestPaths.SharedData("help.mkv"));


    private static int Lines(string text, string start) =>
        text.Split('\n').Count(l => l.StartsWith(start, StringComparison.Ordinal));


    /// <summary>Mean luminance (0..255) of every frame of a video, in order.</summary>
    private static async Task<List<double>> FrameBrightnessAsync(string path, string folder)
    {
        const int w = 32, h = 24;
        var raw = Path.Combine(folder, "gray.raw");
        var run = await Support.Cli.RunProcessAsync(
            "ffmpeg", [.. Quiet, "-y", "-i", path, "-vf", $"scale={w}:{h}", "-fps_mode", "passthrough", "-pix_fmt", "gray", "-f", "rawvideo", raw],
            TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, run.ToString());
        var bytes = await File.ReadAllBytesAsync(raw);
        return [.. bytes.Chunk(w * h).Where(c => c.Length == w * h).Select(c => c.Average(b => (double)b))];
    }
}
