using System.CommandLine;
using VideoStyler.Cli.Parsing;
using System.Globalization;
using VideoStyler.ScaleOut;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler run-segment JOBDIR [INDEX]`: one worker's share of a planned job.</summary>
internal static class RunSegmentCommand
{
    /// <summary>The run-segment verb.</summary>
    internal static Command Create()
    {
        var jobDir = new Argument<string>("JOBDIR") { Description = "the job folder written by videostyler plan" };
        var index = new Argument<string?>("INDEX")
        {
            Description = "the segment (default: SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        index.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !TryParseIndex(result.Tokens[0].Value, out _))
            {
                result.AddError($"INDEX must be a segment number (0 or more), not '{result.Tokens[0].Value}'");
            }
        });
        var command = HelpDetails.Command("run-segment", "stylize one segment of a planned job", """
            Stylizes segment INDEX of the job planned in JOBDIR (videostyler plan) into
            JOBDIR/segments/NNN.mkv with its stats in NNN.json. Without INDEX it is taken from
            SLURM_ARRAY_TASK_ID (a Slurm array task) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job).
            The worker decodes the job's warm-up frames before the segment so the temporal state at its
            first frame is what a single-machine run has there. A finished segment is not done again; a
            failed or interrupted one leaves no file under its name (its error goes to NNN.error).
            Refuses to run when the input, the tool version or the style differ from the plan.

            exit codes: 0 done (or already done); 1 error; 2 bad command line; 3 damaged input; 130 interrupted.
            """,
            jobDir, index);
        command.SetAction((parse, _) => RunAsync(parse.GetRequiredValue(jobDir), parse.GetValue(index)));
        return command;
    }

    private static async Task<int> RunAsync(string jobDir, string? indexText)
    {
        var index = indexText is not null ? ParseIndex(indexText, "INDEX") : IndexFromEnvironment();
        var job = JobFolder.Open(jobDir);
        using var stop = new CancellationTokenSource();
        using var signals = InterruptHandler.Install(stop);
        try
        {
            var (stats, alreadyDone) = await SegmentRunner.RunAsync(job, index, null, stop.Token);
            Console.Out.WriteLine(alreadyDone
                ? $"segment {index}: already done ({stats.FramesOut} frames) -> {job.SegmentFile(index)}"
                : string.Create(
                    CultureInfo.InvariantCulture,
                    $"segment {index}: {stats.FramesOut} frames (+{stats.WarmupFrames} warm-up) in {stats.WallSeconds:0.0} s, {stats.ExecutionProvider} -> {job.SegmentFile(index)}"));
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine($"interrupted: segment {index} was not finished; nothing was written under its name");
            return 130;
        }
    }

    private static int IndexFromEnvironment()
    {
        foreach (var name in new[] { "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX" })
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                return ParseIndex(value, name);
            }
        }

        throw new UsageException("run-segment: give INDEX, or run it as a Slurm array task (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)");
    }

    private static int ParseIndex(string text, string what) =>
        TryParseIndex(text, out var value)
            ? value
            : throw new UsageException($"run-segment: {what} must be a segment number (0 or more), not '{text}'");

    private static bool TryParseIndex(string text, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= 0;
}
