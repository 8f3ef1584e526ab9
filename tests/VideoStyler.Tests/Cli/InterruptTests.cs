using VideoStyler.Tests.Live;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Cli;

/// <summary>
/// Ctrl-C as a terminal sends it: SIGINT to the whole process group (the tool is started in a session
/// of its own with setsid, so the test can signal its group without signalling itself).
/// </summary>
public class InterruptTests
{
    private static BackgroundProcess StartInOwnGroup(IEnumerable<string> args) =>
        BackgroundProcess.Start("setsid", ["dotnet", TestPaths.CliDll, .. args]);

    [Fact]
    public async Task Ctrl_c_to_the_process_group_finishes_the_frames_in_flight_and_leaves_a_playable_output()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var output = Path.Combine(dir, "out.mp4");
        using var run = StartInOwnGroup(["stylize", TestPaths.SharedData("bottle-detection.mp4"), "-o", output, "--size", "64", "--no-temporal"]);
        await FileSafetyTests.WaitForGrowingTempAsync(dir, 20_000, run);
        var children = ChildCommands(run.Id);
        Assert.Contains(children, c => c.StartsWith("ffmpeg", StringComparison.Ordinal));

        run.SignalGroup("INT");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Contains("interrupted:", result.StdOut);
        Assert.InRange((await Ffprobe.ReadAsync(output)).Frames, 1, 1188);
        Assert.Empty(Directory.GetFiles(dir, ".*"));
    }

    [Fact]
    public async Task Second_ctrl_c_stops_at_once_and_leaves_what_is_done_under_a_clear_name()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var output = Path.Combine(dir, "out.mp4");
        // With the temporal stage the frames in flight take longer to finish than the gap between the signals.
        using var run = StartInOwnGroup(["stylize", TestPaths.SharedData("bottle-detection.mp4"), "-o", output, "--size", "160"]);
        // The first progress line: frames have gone to the encoder (the file itself grows in large steps).
        await Eventually.TrueAsync(
            () => System.Text.RegularExpressions.Regex.IsMatch(run.Output(), @"\d+/1189 frames", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)),
            "a progress line",
            TimeSpan.FromSeconds(120),
            () => run.HasExited ? "the run ended" : null,
            run.Output);

        run.SignalGroup("INT");
        // The second Ctrl-C. Two signals sent at once, or a fixed moment apart, can reach a process that a loaded
        // machine has not run meanwhile as one (a pending signal is not queued twice), and waiting to see the
        // first one's notice let the frames in flight finish first: so it is sent to the tool again every
        // 20 ms until it says it stops now (or ends).
        await Eventually.TrueAsync(
            () =>
            {
                if (run.HasExited || run.Output().Contains("stopping now", StringComparison.Ordinal))
                {
                    return true;
                }

                run.Signal("INT");
                return false;
            },
            "the second signal taken",
            TimeSpan.FromSeconds(30),
            context: run.Output,
            every: TimeSpan.FromMilliseconds(20));
        var result = await run.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Contains("stopping now (second signal)", result.StdErr);
        Assert.Empty(Directory.GetFiles(dir, ".*"));
        var kept = File.Exists(output) ? output : Path.Combine(dir, "out.partial.mp4");
        Assert.True(File.Exists(kept), result + "\nfiles: " + string.Join(", ", Directory.GetFiles(dir)));
        Assert.Contains(Path.GetFileName(kept), result.StdErr);
        Assert.InRange((await Ffprobe.ReadAsync(kept)).Frames, 1, 1188);
        Assert.DoesNotContain("onnxruntime", result.StdErr);
        Assert.DoesNotContain("\u001b[", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_recording_ends_cleanly_on_ctrl_c_to_the_process_group()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var recording = Path.Combine(dir, "rec.mkv");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        // The long --duration only ends a run the test lost.
        var (live, controlPort) = await LiveControl.StartAsync(
            ["live", "--input", TestPaths.SharedData("help.mkv"), "--loop", "--video-size", "320x240", "--output", recording, "--duration", "600"],
            StartInOwnGroup);
        using var run = live;
        await LiveTestSupport.WaitForStatusAsync(http, controlPort, run, s => LiveTestSupport.Get(s, "frames_out") >= 20, "20 frames out", 60);

        run.SignalGroup("INT");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("error:", result.StdErr);
        Assert.True((await Ffprobe.ReadAsync(recording)).Frames >= 20);
    }

    /// <summary>The command lines of a process's children, from /proc.</summary>
    private static List<string> ChildCommands(int pid)
    {
        var result = new List<string>();
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            var children = Path.Combine(task, "children");
            if (!File.Exists(children))
            {
                continue;
            }

            foreach (var child in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                try
                {
                    result.Add(File.ReadAllText($"/proc/{child}/cmdline").Replace('\0', ' '));
                }
                catch (IOException)
                {
                    // Gone meanwhile.
                }
            }
        }

        return result;
    }
}
