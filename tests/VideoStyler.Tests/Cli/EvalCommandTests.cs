using System.Text.Json;
using VideoStyler.Tests.Support;
using VideoStyler.Tests.Temporal;

namespace VideoStyler.Tests.Cli;

/// <summary>`eval flicker` and `eval frontier` as a user runs them: JSON on success, one-line errors otherwise.</summary>
public sealed class EvalCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Frontier_WithoutReference_IsAUsageError()
    {
        var run = await Support.Cli.RunAsync("eval", "frontier", TestPaths.SharedData("help.mkv"));

        Assert.Equal(2, run.ExitCode);
        CliAssert.OneLineError(run, "give INPUT and --ref PERFRAME");
    }

    [Fact]
    public async Task Frontier_BadTarget_IsAUsageError()
    {
        var input = TestPaths.SharedData("help.mkv");

        var run = await Support.Cli.RunAsync("eval", "frontier", input, "--ref", input, "--flicker", "1.5");

        Assert.Equal(2, run.ExitCode);
        CliAssert.OneLineError(run, "--flicker must be a number from 0.001 to 0.999");
    }

    [Fact]
    public async Task Flicker_MissingOutput_IsAOneLineError()
    {
        var run = await Support.Cli.RunAsync("eval", "flicker", TestPaths.SharedData("help.mkv"), Path.Combine(_temp.Path, "none.mp4"));

        Assert.Equal(1, run.ExitCode);
        CliAssert.OneLineError(run, "none.mp4");
    }

    [Fact]
    public async Task Frontier_PrintsTheCurveAndTheOutputsPlace()
    {
        // A still scene whose per-frame "stylization" alternates between two versions: the frontier has room.
        using var picture = TestClips.Texture(96, 64, seed: 21);
        using var styled = TestFrames.Invert(picture);
        using var brighter = TestFrames.Brighten(styled, 30);
        var input = TestClips.Write(_temp.Path, "in.mkv", Enumerable.Repeat(picture, 8).ToList());
        var reference = TestClips.Write(_temp.Path, "ref.mkv", Enumerable.Range(0, 8).Select(t => t % 2 == 0 ? styled : brighter).ToList());

        var run = await Support.Cli.RunAsync("eval", "frontier", input, "--ref", reference, "--output", reference);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.StdOut);
        var root = json.RootElement;
        Assert.Equal(8, root.GetProperty("frames").GetInt32());
        Assert.InRange(root.GetProperty("best_retention").GetDouble(), 0.5, 0.99);
        Assert.Equal(1, root.GetProperty("output").GetProperty("flicker_ratio").GetDouble(), 6);
        Assert.Equal(1, root.GetProperty("output").GetProperty("retention").GetDouble(), 6);
    }
}
