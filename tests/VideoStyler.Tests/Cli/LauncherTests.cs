using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Cli;

/// <summary>The launcher's checks for system libraries are not flaky under `set -o pipefail`.</summary>
public class LauncherTests
{
    [Fact]
    public async Task Library_check_gives_the_same_answer_every_time_under_pipefail()
    {
        // `ldconfig -p | grep -q` failed now and then (ldconfig killed by SIGPIPE once grep had its match),
        // and the launcher then ran apt-get. 300 checks, as the launcher runs them.
        var script = $"""
            set -euo pipefail
            . '{Path.Combine(TestPaths.RepoRoot, "scripts", "lib", "libraries.sh")}'
            ok=0; missing=0
            for i in $(seq 1 300); do
              if has_library 'libc.so.6'; then ok=$((ok+1)); fi
              if has_library 'libnothing-like-this.so.9'; then missing=$((missing+1)); fi
            done
            echo "found=$ok phantom=$missing"
            """;

        var run = await Support.Cli.RunProcessAsync("bash", ["-c", script], TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("found=300 phantom=0", run.StdOut);
        var launcher = await File.ReadAllTextAsync(Path.Combine(TestPaths.RepoRoot, "videostyler"));
        Assert.DoesNotContain("| grep -q", launcher);
        Assert.Contains("has_library 'libgtk-3.so.0'", launcher);
    }
}
