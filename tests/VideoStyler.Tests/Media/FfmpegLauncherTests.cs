using VideoStyler.Media;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Media;

/// <summary>The one launcher, with the real ffmpeg: words go through unquoted, stderr is kept, a missing tool is one line.</summary>
public class FfmpegLauncherTests
{
    [Fact]
    public async Task A_word_with_spaces_and_quotes_reaches_ffmpeg_as_one_argument_and_its_complaint_is_kept()
    {
        var folder = TestPaths.NewTempFolder();
        try
        {
            var missing = Path.Combine(folder, "it's a \"clip\" -y.mkv");
            var stderr = new FfmpegStderr();
            using (var run = FfmpegLauncher.Start("ffmpeg", FfmpegArguments.Quiet().Input(missing).Build(), redirectInput: false, redirectOutput: false, stderr))
            {
                await run.WaitForExitAsync(CancellationToken.None);
                Assert.NotEqual(0, run.ExitCode);
            }

            // ffmpeg names the file exactly as given: one word, nothing split or unquoted.
            Assert.Contains(missing, stderr.Text, StringComparison.Ordinal);
            Assert.Contains("No such file", stderr.Summary, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Run_returns_exit_code_and_both_outputs()
    {
        var (exitCode, stdout, stderr) = await FfmpegLauncher.RunAsync("ffprobe", ["-v", "error", "-version"], CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.StartsWith("ffprobe version", stdout, StringComparison.Ordinal);
        Assert.Equal("", stderr);
    }

    [Fact]
    public async Task A_missing_tool_is_a_one_line_error_that_says_how_to_install_it()
    {
        var error = await Assert.ThrowsAsync<UserFacingException>(
            () => FfmpegLauncher.RunAsync("ffmpeg-not-installed-here", [], CancellationToken.None));

        Assert.Equal("ffmpeg-not-installed-here is not installed or not on PATH (run scripts/setup.sh)", error.Message);
    }
}
