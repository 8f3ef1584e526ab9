using System.Globalization;
using VideoStyler.ScaleOut;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler run-segment JOBDIR [INDEX]`: one worker's share of a planned job.</summary>
internal static class RunSegmentCommand
{
    public const string Help = """
        usage: videostyler run-segment JOBDIR [INDEX]

        Stylizes segment INDEX of the job planned in JOBDIR (videostyler plan) into
        JOBDIR/segments/NNN.mkv with its stats in NNN.json. Without INDEX it is taken from
        SLURM_ARRAY_TASK_ID (a Slurm array task) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job).
        The worker decodes the job's warm-up frames before the segment so the temporal state at its
        first frame is what a single-machine run has there. A finished segment is not done again; a
        failed or interrupted one leaves no file under its name (its error goes to NNN.error).
        Refuses to run when the input, the tool version or the style differ from the plan.

        exit codes: 0 done (or already done); 1 error; 2 bad command line; 3 damaged input; 130 interrupted.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var line = CommandLine.Parse("run-segment", args, [], []);
        if (line.HelpRequested)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }

        if (line.Positionals.Count is < 1 or > 2)
        {
            throw new UsageException("run-segment: give JOBDIR and optionally INDEX (see videostyler run-segment --help)");
        }

        var index = line.Positionals.Count == 2 ? ParseIndex(line.Positionals[1], "INDEX") : IndexFromEnvironment();
        var job = JobFolder.Open(line.Positionals[0]);
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
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new UsageException($"run-segment: {what} must be a segment number (0 or more), not '{text}'");
}
