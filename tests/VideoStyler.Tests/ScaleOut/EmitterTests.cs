using System.Text.Json;
using VideoStyler.ScaleOut;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.ScaleOut;

/// <summary>
/// The Kubernetes manifests and Slurm scripts a plan writes, checked offline: no cluster is reachable
/// here, so the Indexed Job's fields are checked against what the batch/v1 Job API requires and the
/// scripts are parsed by bash. (The Slurm scripts also run on a real one-node Slurm: SlurmTests.)
/// </summary>
public class EmitterTests
{
    private static JobFolder NewJob(string root, int segments)
    {
        var times = new FrameTimes(Enumerable.Range(0, 90).Select(i => (long)i * 33).ToList(), new HashSet<int> { 0 });
        var spec = new JobSpec
        {
            InputPath = Path.Combine(root, "in", "clip.mkv"),
            Input = new InputIdentity(1234, new string('a', 64)),
            OutputPath = Path.Combine(root, "out", "clip-styled.mp4"),
            ToolVersion = VideoStyler.Pipeline.StylizeRunner.ToolVersion,
            StyleIdentity = "toon:1:sha256=built-in",
            Settings = new JobSettings { ProcessingSize = 160 },
            WarmupFrames = 8,
            TotalFrames = 90,
            Segments = SegmentPlanner.Plan(times, segments, 8),
        };
        return JobFolder.Create(Path.Combine(root, "jobs", "My Clip_1"), spec, force: false);
    }

    [Fact]
    public void K8s_indexed_job_has_one_index_per_segment_a_retry_budget_per_index_and_the_shared_claim()
    {
        using var temp = new TempFolder();
        var root = temp.Path;
        var job = NewJob(root, 3);

        var paths = KubernetesManifests.Write(job, "registry.example/videostyler:1.0", "footage", 2, "media");

        using var segments = JsonDocument.Parse(File.ReadAllText(paths[0]));
        var manifest = segments.RootElement;
        Assert.Equal("batch/v1", manifest.GetProperty("apiVersion").GetString());
        Assert.Equal("Job", manifest.GetProperty("kind").GetString());
        var name = manifest.GetProperty("metadata").GetProperty("name").GetString()!;
        // A DNS-1123 name (lower-case letters, digits, dashes; at most 63 characters).
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name);
        Assert.True(name.Length <= 63);
        Assert.Equal("media", manifest.GetProperty("metadata").GetProperty("namespace").GetString());
        var spec = manifest.GetProperty("spec");
        Assert.Equal("Indexed", spec.GetProperty("completionMode").GetString());
        Assert.Equal(3, spec.GetProperty("completions").GetInt32());
        Assert.Equal(2, spec.GetProperty("parallelism").GetInt32());
        Assert.True(spec.GetProperty("backoffLimitPerIndex").GetInt32() >= 1);
        Assert.Equal(0, spec.GetProperty("maxFailedIndexes").GetInt32());
        var pod = spec.GetProperty("template").GetProperty("spec");
        // backoffLimitPerIndex requires restartPolicy Never.
        Assert.Equal("Never", pod.GetProperty("restartPolicy").GetString());
        var container = pod.GetProperty("containers")[0];
        Assert.Equal("registry.example/videostyler:1.0", container.GetProperty("image").GetString());
        // No index on the command line: the worker reads JOB_COMPLETION_INDEX.
        Assert.Equal(["run-segment", job.Path], container.GetProperty("args").EnumerateArray().Select(a => a.GetString()), StringComparer.Ordinal);
        var mount = container.GetProperty("volumeMounts")[0];
        var volume = pod.GetProperty("volumes")[0];
        Assert.Equal(volume.GetProperty("name").GetString(), mount.GetProperty("name").GetString());
        Assert.Equal("footage", volume.GetProperty("persistentVolumeClaim").GetProperty("claimName").GetString());
        // Mounted where the job folder, the input and the output all are, so job.json's paths hold in the pod.
        var mountPath = mount.GetProperty("mountPath").GetString()!;
        Assert.Equal(root, mountPath);
        Assert.StartsWith(mountPath + "/", job.Spec.InputPath);
        Assert.StartsWith(mountPath + "/", job.Spec.OutputPath);

        using var join = JsonDocument.Parse(File.ReadAllText(paths[1]));
        var joinSpec = join.RootElement.GetProperty("spec");
        Assert.False(joinSpec.TryGetProperty("completionMode", out _));
        Assert.Equal(["join", job.Path], joinSpec.GetProperty("template").GetProperty("spec").GetProperty("containers")[0]
            .GetProperty("args").EnumerateArray().Select(a => a.GetString()), StringComparer.Ordinal);

        var containerfile = File.ReadAllText(paths[2]);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:10.0", containerfile);
        Assert.Contains("ffmpeg", containerfile);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/VideoStyler.Cli.dll\"]", containerfile);
    }

    [Fact]
    public async Task Slurm_scripts_are_an_array_with_requeue_and_a_dependent_join_that_bash_accepts()
    {
        using var temp = new TempFolder();
        var root = temp.Path;
        var job = NewJob(root, 3);

        var paths = SlurmScripts.Write(job, new ToolCommand(["/opt/it's here/dotnet", "/opt/vs/VideoStyler.Cli.dll"]), "batch", 2);

        var array = File.ReadAllText(paths[0]);
        Assert.Contains("#SBATCH --array=0-2%2\n", array);
        Assert.Contains("#SBATCH --requeue\n", array);
        Assert.Contains("#SBATCH --partition=batch\n", array);
        Assert.Contains("run-segment '" + job.Path + "' \"${SLURM_ARRAY_TASK_ID}\"", array);
        Assert.Contains("scontrol requeue", array);
        var submit = File.ReadAllText(paths[2]);
        Assert.Contains("--dependency=afterok:$array", submit);
        foreach (var path in paths)
        {
            var check = await Support.Cli.RunProcessAsync("bash", ["-n", path], TimeSpan.FromSeconds(20));
            Assert.True(check.ExitCode == 0, path + "\n" + check);
            Assert.True(OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != UnixFileMode.None, path);
        }

        // The quoted tool path survives bash's parsing as one word.
        var words = await Support.Cli.RunProcessAsync(
            "bash", ["-c", "eval \"$(grep -m1 '^if \\[ -n' \"$1\")\"; printf '%s\\n' \"${tool[@]}\"", "bash", paths[0]], TimeSpan.FromSeconds(20));
        Assert.Equal(["/opt/it's here/dotnet", "/opt/vs/VideoStyler.Cli.dll"], words.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_job_folder_is_not_planned_over_another_without_force()
    {
        using var temp = new TempFolder();
        var root = temp.Path;
        var job = NewJob(root, 2);

        var ex = Assert.Throws<UserFacingException>(() => JobFolder.Create(job.Path, job.Spec, force: false));

        Assert.Contains("already holds a job", ex.Message);
        Assert.Equal(2, JobFolder.Open(job.Path).Spec.Segments.Count);
    }

    [Fact]
    public void The_concat_list_gives_each_segment_but_the_last_its_exact_duration_to_the_next_cut()
    {
        using var temp = new TempFolder();
        var job = NewJob(temp.Path, 3);

        var list = JobJoiner.ConcatList(job).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("ffconcat version 1.0", list[0]);
        Assert.Equal($"file '{job.SegmentFile(0)}'", list[1]);
        Assert.Equal("duration 0.99", list[2]); // frames 0..29 at 33 ms: the next cut is at 990 ms
        Assert.Equal($"file '{job.SegmentFile(1)}'", list[3]);
        Assert.Equal("duration 0.99", list[4]);
        Assert.Equal($"file '{job.SegmentFile(2)}'", list[5]);
        Assert.Equal(6, list.Length);
    }
}
