using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.ScaleOut;

/// <summary>
/// One single-machine `stylize` run of walk.mkv and one `plan --emit local` run of it in 3 segments
/// (default style, --size 160), shared by the tests that compare them.
/// </summary>
public sealed class ScaleOutRun
{
    private readonly Lazy<Task> _run;

    public ScaleOutRun()
    {
        _run = new Lazy<Task>(RunAsync);
    }

    public string Input => TestPaths.SharedData("walk.mkv");

    public string Folder { get; } = TestPaths.NewTempFolder();

    public string Single => Path.Combine(Folder, "single.mkv");

    public string Joined => Path.Combine(Folder, "joined.mkv");

    public string Job => Path.Combine(Folder, "job");

    public ProcessResult? SingleRun { get; private set; }

    public ProcessResult? PlanRun { get; private set; }

    public Task EnsureAsync() => _run.Value;

    private async Task RunAsync()
    {
        SingleRun = await Support.Cli.RunAsync("stylize", Input, "-o", Single, "--size", "160");
        Assert.True(SingleRun.ExitCode == 0, SingleRun.ToString());
        PlanRun = await Support.Cli.RunAsync("plan", Input, "-o", Joined, "--segments", "3", "--size", "160", "--job", Job, "--emit", "local", "--workers", "2");
        Assert.True(PlanRun.ExitCode == 0, PlanRun.ToString());
    }
}
