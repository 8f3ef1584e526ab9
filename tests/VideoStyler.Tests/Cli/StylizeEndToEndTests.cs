using System.Text.Json;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Cli;

/// <summary>The real tool on real clips with real models: ffmpeg, ONNX Runtime, the shared models.</summary>
public class StylizeEndToEndTests
{
    [Fact]
    public async Task Candy_on_help_keeps_frames_size_and_rate_and_changes_the_picture()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = TestPaths.SharedData("help.mkv");
        var output = Path.Combine(dir, "help-candy.mp4");
        var stats = Path.Combine(dir, "stats.json");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--style", TestPaths.SharedModel("candy.onnx"), "--size", "240", "--stats", stats);

        Assert.True(run.ExitCode == 0, run.ToString());
        // --device auto: CUDA where it is usable (a GPU machine), else the CPU, said in one notice line.
        var provider = VideoStyler.Stylize.Providers.CudaRuntime.Status.Usable ? "CUDAExecutionProvider" : "CPUExecutionProvider";
        Assert.Contains(provider == "CPUExecutionProvider" ? "notice: CUDA not available (" : "notice: running on CUDA (", run.StdErr);
        Assert.Contains(provider, run.StdOut);
        await AssertSameFramesSizeAndRate(input, output);
        AssertStylizedNotGarbage(input, output, minDifference: 20);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(stats));
        var root = json.RootElement;
        Assert.Equal(58, root.GetProperty("frames_in").GetInt32());
        Assert.Equal(58, root.GetProperty("frames_out").GetInt32());
        Assert.True(root.GetProperty("model_ms_mean").GetDouble() > 0);
        Assert.Equal("candy", root.GetProperty("style").GetString());
        Assert.Equal(provider, root.GetProperty("execution_provider").GetString());
        foreach (var stage in new[] { "decode", "preprocess", "model", "postprocess", "encode" })
        {
            Assert.True(root.GetProperty("stage_ms").GetProperty(stage).GetDouble() > 0, stage);
        }

        Assert.Empty(Directory.GetFiles(dir, ".*videostyler-tmp*"));
    }

    [Fact]
    public async Task Embedded_toon_style_stylizes_help()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = TestPaths.SharedData("help.mkv");
        var output = Path.Combine(dir, "help-toon.mkv");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "360", "--style", "toon");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("style toon", run.StdOut);
        await AssertSameFramesSizeAndRate(input, output);
        // A toon keeps the photo's colours and adds outlines and flat bands: a smaller change than candy.
        AssertStylizedNotGarbage(input, output, minDifference: 8);
    }

    [Fact]
    public async Task Car_detection_keeps_its_aac_audio()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = TestPaths.SharedData("car-detection.mp4");
        var output = Path.Combine(dir, "cars.mp4");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "120");

        Assert.True(run.ExitCode == 0, run.ToString());
        var streams = await Ffprobe.ReadAsync(output);
        Assert.Equal(["aac"], streams.AudioCodecs);
        Assert.Equal((768, 432), (streams.Width, streams.Height));
        Assert.Equal(377, streams.Frames);
        Assert.Equal(12.5, Ffprobe.Rate(streams.FrameRate), 2);
        var inspect = await Support.Cli.RunProcessAsync(
            "ffprobe", ["-v", "error", "-show_entries", "format_tags=comment", "-of", "default=nw=1:nk=1", output], TimeSpan.FromSeconds(30));
        Assert.Contains("AI-stylized by VideoStyler", inspect.StdOut);
    }

    [Fact]
    public async Task Existing_output_is_not_overwritten_without_force()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var output = Path.Combine(dir, "taken.mp4");
        await File.WriteAllTextAsync(output, "precious");

        var run = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", output);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("already exists (use --force", run.StdErr);
        Assert.Equal("precious", await File.ReadAllTextAsync(output));
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Interrupt_finalizes_the_frames_done_so_far_into_a_playable_output(string signal)
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var output = Path.Combine(dir, "interrupted.mkv");
        // As a user's shell would: start the run, let some frames through the model (0.1-1 s each
        // here), then signal it. `env --default-signal` undoes the ignored SIGINT that background
        // jobs and test hosts hand to their children (POSIX programs keep an inherited ignore).
        // The 40 s bottle clip (about 1190 frames) cannot be finished in 12 s on any CPU we run on
        // (walk.mkv's 89 frames could, on a quiet machine once ONNX Runtime stopped spinning).
        var script = $"""
            env --default-signal=INT,TERM dotnet "{TestPaths.CliDll}" stylize "{TestPaths.SharedData("bottle-detection.mp4")}" -o "{output}" --style "{TestPaths.SharedModel("mosaic.onnx")}" &
            pid=$!
            sleep 12
            kill -{signal} $pid
            wait $pid
            echo "exit=$?"
            """;

        var run = await Support.Cli.RunProcessAsync("bash", ["-c", script], TimeSpan.FromMinutes(3));

        Assert.Contains("exit=130", run.StdOut);
        Assert.Contains("interrupted:", run.StdOut);
        Assert.Contains($"SIG{signal}: stopping", run.StdErr);
        var streams = await Ffprobe.ReadAsync(output);
        Assert.InRange(streams.Frames, 1, 600);
        Assert.Equal((640, 360), (streams.Width, streams.Height));
        Assert.Empty(Directory.GetFiles(dir, ".*videostyler-tmp*"));
    }

    internal static async Task AssertSameFramesSizeAndRate(string input, string output)
    {
        var a = await Ffprobe.ReadAsync(input);
        var b = await Ffprobe.ReadAsync(output);
        Assert.Equal(a.Frames, b.Frames);
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        Assert.Equal(Ffprobe.Rate(a.FrameRate), Ffprobe.Rate(b.FrameRate), 2);
    }

    internal static void AssertStylizedNotGarbage(string input, string output, double minDifference)
    {
        var source = TestFrames.Read(input, 30);
        var styled = TestFrames.Read(output, 30);
        try
        {
            foreach (var i in new[] { 0, 15, 29 })
            {
                var difference = TestFrames.MeanAbsDiff(source[i], styled[i]);
                Assert.True(difference > minDifference, $"frame {i}: the picture barely changed (mean abs diff {difference:0.0})");
                var contrast = TestFrames.Contrast(styled[i]);
                Assert.True(contrast > 15, $"frame {i}: the output is nearly flat (std {contrast:0.0})");
                var structure = TestFrames.StructureCorrelation(source[i], styled[i]);
                Assert.True(structure > 0.3, $"frame {i}: the output lost the scene's structure (correlation {structure:0.00})");
            }
        }
        finally
        {
            foreach (var mat in source.Concat(styled))
            {
                mat.Dispose();
            }
        }
    }
}
