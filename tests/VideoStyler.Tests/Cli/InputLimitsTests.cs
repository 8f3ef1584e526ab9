using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Cli;

/// <summary>Values and inputs at the edges: non-finite numbers, tiny and absurd frame sizes, names that look like options.</summary>
public class InputLimitsTests
{
    [Fact]
    public async Task Non_finite_strength_and_temporal_on_the_command_line_are_usage_errors()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var output = Path.Combine(dir, "out.mp4");

        var strength = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", output, "--strength", "NaN");
        var temporal = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", output, "--temporal", "Infinity");

        CliAssert.OneLineError(strength, "--strength must be a number from 0 to 1");
        CliAssert.OneLineError(temporal, "--temporal must be a number from 0 to 1");
        Assert.Equal(2, strength.ExitCode);
        Assert.Equal(2, temporal.ExitCode);
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(17, 9)]
    public async Task Tiny_frames_are_a_one_line_error_with_exit_code_1(int width, int height)
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await Clips.MakeAsync(dir, "tiny.mkv", "-f", "lavfi", "-i", "color=c=red:size=32x32:rate=5", "-vf", $"scale={width}:{height}", "-frames:v", "3", "-pix_fmt", "yuv444p", "-c:v", "ffv1");
        var output = Path.Combine(dir, "out.mp4");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output);

        CliAssert.OneLineError(run, $"{width}x{height}");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("at least 16x16", run.StdErr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Absurd_frame_size_in_a_header_is_refused_before_any_memory_is_taken()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = Path.Combine(dir, "huge.y4m");
        await File.WriteAllTextAsync(input, "YUV4MPEG2 W16000 H16000 F25:1 Ip A1:1 C420jpeg\n");
        var output = Path.Combine(dir, "out.mp4");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output);

        CliAssert.OneLineError(run, "16000x16000");
        Assert.Equal(1, run.ExitCode);
        Assert.False(File.Exists(output));
        Assert.Equal(["huge.y4m"], Directory.GetFiles(dir).Select(Path.GetFileName), StringComparer.Ordinal);
    }

    [Fact]
    public async Task Input_name_that_starts_with_a_dash_is_a_file_not_an_option()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        await Clips.PatternAsync(dir, "-x.mp4", 160, 120, 3);

        var run = await Support.Cli.RunProcessAsync(
            "bash", ["-c", $"cd '{dir}' && dotnet '{TestPaths.CliDll}' stylize -o ./z.mp4 --size 64 -- -x.mp4"], TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(3, (await Ffprobe.ReadAsync(Path.Combine(dir, "z.mp4"))).Frames);
    }

    [Fact]
    public async Task A_size_far_above_the_input_is_said_before_the_run()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await Clips.PatternAsync(dir, "small.mp4", 170, 90, 2);

        var large = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "large.mp4"), "--size", "360", "--frames", "1");
        var plain = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "plain.mp4"), "--size", "90", "--frames", "1");

        Assert.True(large.ExitCode == 0, large.ToString());
        Assert.Contains("notice: --size 360 is 4x the input's short side (170x90)", large.StdErr);
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.DoesNotContain("notice: --size", plain.StdErr);
    }
}
