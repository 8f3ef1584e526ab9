using System.Text.Json.Nodes;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.ScaleOut;

/// <summary>
/// What plan, run-segment and join refuse, and how they report it: an incomplete job, a changed input,
/// another tool version or style, a failing segment, bad command lines. Small: help.mkv's first frames.
/// </summary>
public class ScaleOutFaultTests
{
    private static async Task<(string Folder, string Job)> PlanAsync(TempFolder temp, string input, params string[] extra)
    {
        var folder = temp.Path;
        var job = Path.Combine(folder, "job");
        var run = await Support.Cli.RunAsync(
            ["plan", input, "-o", Path.Combine(folder, "out.mkv"), "--segments", "3", "--frames", "12", "--size", "64", "--warmup", "2", "--job", job, .. extra],
            TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("planned 12 frames in 3 segments (4, 4, 4 frames", run.StdOut);
        return (folder, job);
    }

    private static void EditJob(string job, Action<JsonNode> edit)
    {
        var path = Path.Combine(job, "job.json");
        var node = JsonNode.Parse(File.ReadAllText(path))!;
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    [Fact]
    public async Task Join_refuses_an_incomplete_job_and_lists_the_missing_segments()
    {
        using var temp = new TempFolder();
        var (folder, job) = await PlanAsync(temp, TestPaths.SharedData("help.mkv"));
        var one = await Support.Cli.RunAsync("run-segment", job, "1");
        Assert.True(one.ExitCode == 0, one.ToString());

        var join = await Support.Cli.RunAsync("join", job);

        CliAssert.OneLineError(join, "the job is incomplete: 2 of 3 segments missing: 0, 2;");
        Assert.Equal(1, join.ExitCode);
        Assert.False(File.Exists(Path.Combine(folder, "out.mkv")));
        Assert.Empty(Directory.GetFiles(folder, "*tmp*"));
    }

    [Fact]
    public async Task A_failing_segment_is_reported_by_index_with_its_error_and_join_names_it()
    {
        using var temp = new TempFolder();
        var (folder, job) = await PlanAsync(temp, TestPaths.SharedData("help.mkv"));
        // A plan that does not fit the file any more: segment 1 expects a frame more than lies between its cuts.
        EditJob(job, node => node["segments"]![1]!["frame_count"] = 5);

        var failed = await Support.Cli.RunAsync("run-segment", job, "1");

        CliAssert.OneLineError(failed, "segment 1 came out with 4 frames where the plan has 5");
        Assert.Equal(3, failed.ExitCode);
        Assert.False(File.Exists(Path.Combine(job, "segments", "001.mkv")));
        Assert.Empty(Directory.GetFiles(Path.Combine(job, "segments"), "*tmp*"));
        var join = await Support.Cli.RunAsync("join", job);
        CliAssert.OneLineError(join, "1 (failed:");
        Assert.Contains("segment 1 came out with 4 frames", join.StdErr);
        Assert.False(File.Exists(Path.Combine(folder, "out.mkv")));
    }

    [Fact]
    public async Task A_job_folder_for_another_input_is_refused_by_workers_and_join()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        var input = Path.Combine(folder, "clip.mkv");
        File.Copy(TestPaths.SharedData("help.mkv"), input);
        using var plan = new TempFolder();
        var (_, job) = await PlanAsync(plan, input);
        // Another file under the same name.
        File.Copy(TestPaths.SharedData("walk.mkv"), input, overwrite: true);

        var worker = await Support.Cli.RunAsync("run-segment", job, "0");
        var join = await Support.Cli.RunAsync("join", job);

        CliAssert.OneLineError(worker, "is not the file this job was planned for");
        Assert.Equal(1, worker.ExitCode);
        Assert.False(File.Exists(Path.Combine(job, "segments", "000.mkv")));
        CliAssert.OneLineError(join, "segments missing");
    }

    [Fact]
    public async Task A_worker_with_another_tool_version_is_refused()
    {
        using var temp = new TempFolder();
        var (_, job) = await PlanAsync(temp, TestPaths.SharedData("help.mkv"));
        EditJob(job, node => node["tool_version"] = "0.0.1-elsewhere");

        var worker = await Support.Cli.RunAsync("run-segment", job, "0");

        CliAssert.OneLineError(worker, "the job was planned with 0.0.1-elsewhere");
        Assert.Equal(1, worker.ExitCode);
    }

    [Fact]
    public async Task A_worker_that_resolves_another_style_model_is_refused()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        var model = Path.Combine(folder, "candy.onnx");
        File.Copy(TestPaths.SharedModel("candy.onnx"), model);
        using var plan = new TempFolder();
        var (_, job) = await PlanAsync(plan, TestPaths.SharedData("help.mkv"), "--style", model);
        // The model file on this worker is not the one planned with.
        await File.AppendAllTextAsync(model, "x");

        var worker = await Support.Cli.RunAsync("run-segment", job, "1");

        CliAssert.OneLineError(worker, "is not the one the job was planned with");
        Assert.Equal(1, worker.ExitCode);
    }

    [Fact]
    public async Task Index_comes_from_the_scheduler_environment_and_bad_ones_are_clear()
    {
        using var temp = new TempFolder();
        var (_, job) = await PlanAsync(temp, TestPaths.SharedData("help.mkv"));

        var none = await Support.Cli.RunAsync("run-segment", job);
        CliAssert.OneLineError(none, "give INDEX, or run it as a Slurm array task (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)");
        Assert.Equal(2, none.ExitCode);

        var outside = await Support.Cli.RunAsync("run-segment", job, "3");
        CliAssert.OneLineError(outside, "segment 3 does not exist: the job has segments 0 to 2");

        var info = Support.Cli.NewStartInfo("dotnet", [TestPaths.CliDll, "run-segment", job]);
        info.Environment["JOB_COMPLETION_INDEX"] = "2";
        using var process = System.Diagnostics.Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, stdout + await process.StandardError.ReadToEndAsync());
        Assert.Contains("segment 2: 4 frames (+2 warm-up)", stdout);
    }

    [Fact]
    public async Task Plan_refuses_bad_command_lines_and_impossible_cuts()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        var input = TestPaths.SharedData("help.mkv");
        var output = Path.Combine(folder, "out.mkv");

        var noSegments = await Support.Cli.RunAsync("plan", input, "-o", output);
        CliAssert.OneLineError(noSegments, "give the number of segments with --segments N");
        Assert.Equal(2, noSegments.ExitCode);

        var badEmit = await Support.Cli.RunAsync("plan", input, "-o", output, "--segments", "2", "--emit", "pbs");
        CliAssert.OneLineError(badEmit, "--emit must be slurm, k8s or local");
        Assert.Equal(2, badEmit.ExitCode);

        var tooMany = await Support.Cli.RunAsync("plan", input, "-o", output, "--segments", "20", "--frames", "12");
        CliAssert.OneLineError(tooMany, "cannot cut 12 frames into 20 segments");
        Assert.Equal(1, tooMany.ExitCode);

        // The Kubernetes claim is mounted where job, input and output meet: / will not do. The job folder is put
        // under a top-level folder of its own, so they meet only at / wherever the clone and the temp folder
        // are (a clone under /tmp put the shared clips, the output and a job folder beside it all under /tmp).
        var apartJob = Path.Combine("/", "videostyler-test-" + Guid.NewGuid().ToString("N"), "job");
        var k8s = await Support.Cli.RunAsync("plan", input, "-o", output, "--segments", "2", "--emit", "k8s", "--job", apartJob);
        CliAssert.OneLineError(k8s, "for --emit k8s, keep the job folder, the input and the output under one folder");
        Assert.False(Directory.Exists(Path.GetDirectoryName(apartJob)), "the refused plan wrote its job folder");

        var notJob = await Support.Cli.RunAsync("join", folder);
        CliAssert.OneLineError(notJob, "is not a job folder");
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }
}
