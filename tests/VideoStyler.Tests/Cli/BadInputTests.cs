using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Cli;

/// <summary>Bad input: a one-line error, a non-zero exit code, no stack trace, nothing written.</summary>
public class BadInputTests
{
    [Fact]
    public async Task Missing_input()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var run = await Support.Cli.RunAsync("stylize", Path.Combine(dir, "nope.mp4"), "-o", Path.Combine(dir, "out.mp4"));

        CliAssert.OneLineError(run, "input not found");
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public async Task Text_file_named_mp4()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = Path.Combine(dir, "notes.mp4");
        await File.WriteAllTextAsync(input, "this is not a video\n");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "out.mp4"));

        CliAssert.OneLineError(run, "not a video file ffmpeg can read");
        Assert.Equal(["notes.mp4"], Directory.GetFiles(dir).Select(Path.GetFileName), StringComparer.Ordinal);
        Assert.Equal("this is not a video\n", await File.ReadAllTextAsync(input));
    }

    [Fact]
    public async Task Unwritable_output_folder()
    {
        // /proc refuses new files even to root, so this holds whoever runs the tests.
        var run = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", "/proc/videostyler-out.mp4");

        CliAssert.OneLineError(run, "cannot write to output folder /proc");
    }

    [Fact]
    public async Task Missing_output_folder()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var run = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(dir, "no", "such", "out.mp4"));

        CliAssert.OneLineError(run, "output folder does not exist");
    }

    [Fact]
    public async Task Unknown_style_lists_close_matches()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var run = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(dir, "out.mp4"), "--style", "tooon");

        CliAssert.OneLineError(run, "unknown style 'tooon': did you mean toon");
    }

    [Fact]
    public async Task Model_file_that_is_not_onnx()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var model = Path.Combine(dir, "fake.onnx");
        await File.WriteAllTextAsync(model, "not a model");

        var run = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(dir, "out.mp4"), "--style", model);

        CliAssert.OneLineError(run, "is not a model ONNX Runtime can load");
        Assert.False(File.Exists(Path.Combine(dir, "out.mp4")));
    }

    [Fact]
    public async Task Usage_errors_exit_2()
    {
        var run = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "--size", "big");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.StdErr);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("stylize", "--help")]
    [InlineData("models", "--help")]
    [InlineData("live", "--help")]
    [InlineData("models", "add", "-h")]
    [InlineData("help", "eval", "frontier")]
    public async Task Help_works_everywhere(params string[] args)
    {
        var run = await Support.Cli.RunAsync(args);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:\n  videostyler", run.StdOut);
    }
}
