using System.Diagnostics;
using System.Text.Json;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Cli;

/// <summary>`bench --no-io`: in-process stages on frames made in memory, runnable where there is no ffmpeg.</summary>
public class BenchNoIoTests
{
    [Fact]
    public async Task Runs_without_ffmpeg_and_reports_stages_and_the_difference_to_the_cpu()
    {
        // PATH without ffmpeg (dotnet is started by full path): a GPU machine with no ffmpeg at all.
        var info = Support.Cli.NewStartInfo(
            Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet",
            [TestPaths.CliDll, "bench", "--no-io", "--device", "cpu", "--compare-cpu", "--frames", "3", "--frame-size", "160x96", "--size", "96", "--json"]);
        info.Environment["PATH"] = "/nonexistent";
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var run = new ProcessResult(process.ExitCode, await stdout, await stderr);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.StdOut);
        var root = json.RootElement;
        Assert.Equal("no-io", root.GetProperty("mode").GetString());
        Assert.Equal("CPUExecutionProvider", root.GetProperty("execution_provider").GetString());
        Assert.Equal("zerocopy", root.GetProperty("binding").GetString());
        Assert.Equal("160x96", root.GetProperty("frame_size").GetString());
        Assert.True(root.GetProperty("model_fps").GetDouble() > 0);
        foreach (var stage in new[] { "preprocess", "model", "postprocess", "temporal" })
        {
            Assert.True(root.GetProperty("stage_ms").GetProperty(stage).GetDouble() > 0, stage);
        }

        // The CPU against itself: the comparison runs and finds the same pictures.
        var diff = root.GetProperty("cpu_difference");
        Assert.Equal(3, diff.GetProperty("frames").GetInt32());
        Assert.Equal(0, diff.GetProperty("mean_abs_diff").GetDouble());
        Assert.Equal(0, diff.GetProperty("max_abs_diff").GetDouble());
    }

    [Fact]
    public async Task A_bad_frame_size_or_an_input_file_is_a_usage_error()
    {
        var size = await Support.Cli.RunAsync("bench", "--no-io", "--frame-size", "1280by720");
        Assert.Equal(2, size.ExitCode);
        CliAssert.OneLineError(size, "--frame-size must be WIDTHxHEIGHT");

        var input = await Support.Cli.RunAsync("bench", "--no-io", "--input", "x.mp4");
        Assert.Equal(2, input.ExitCode);
        CliAssert.OneLineError(input, "--no-io generates its frames in memory");
    }
}
