using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.ScaleOut;

/// <summary>
/// `plan --emit slurm` on a real one-node Slurm cluster that scripts/slurm-test.sh installs (Debian's
/// slurm-wlm and munge), starts and stops: a 3-task array with a killed and requeued task, the dependent
/// join, and the result compared with a single-machine run. Needs root, as CI runs.
/// </summary>
public class SlurmTests
{
    [Fact]
    public async Task Array_with_a_killed_task_requeues_it_and_joins_to_the_single_machine_frames_and_timestamps()
    {
        var script = Path.Combine(TestPaths.RepoRoot, "scripts", "slurm-test.sh");

        var run = await Support.Cli.RunProcessAsync("bash", [script, TestPaths.CliDll], TimeSpan.FromMinutes(10));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("slurm-test: passed: 36 frames", run.StdErr);
        Assert.Contains("segment 1 requeued (attempt 2", run.StdErr);
    }
}
