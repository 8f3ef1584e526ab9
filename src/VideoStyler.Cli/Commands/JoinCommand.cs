using System.CommandLine;
using System.Globalization;
using VideoStyler.Cli.Parsing;
using VideoStyler.ScaleOut;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler join JOBDIR`: the finished segments into the output.</summary>
internal static class JoinCommand
{
    /// <summary>The join verb.</summary>
    internal static Command Create()
    {
        var jobDir = new Argument<string>("JOBDIR") { Description = "the job folder written by videostyler plan" };
        var force = CliOptions.Flag("--force", "overwrite OUTPUT if it exists (also when plan had --force)");
        var command = HelpDetails.Command("join", "join a job's finished segments into its output", """
            Checks that every segment of the job in JOBDIR is finished (else lists the missing ones, with
            the error of those that failed), concatenates their video without re-encoding it, takes the
            audio and subtitles once from the input, and writes the job's OUTPUT (under a temporary name,
            renamed when done). Prints where the seams are.

            exit codes: 0 done; 1 error (incomplete job, changed input, existing output); 2 bad command line.
            """,
            jobDir, force);
        command.SetAction((parse, _) => RunAsync(parse.GetRequiredValue(jobDir), parse.GetValue(force)));
        return command;
    }

    private static async Task<int> RunAsync(string jobDir, bool force)
    {
        var job = JobFolder.Open(jobDir);
        using var stop = new CancellationTokenSource();
        using var signals = InterruptHandler.Install(stop);
        try
        {
            var result = await JobJoiner.RunAsync(job, force, stop.Token);
            Report(result);
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine("interrupted: nothing was written under the output's name");
            return 130;
        }
    }

    internal static void Report(JoinResult result)
    {
        foreach (var seam in result.Seams)
        {
            Console.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"seam {seam.Segment} at frame {seam.Frame} ({seam.TimeMs / 1000.0:0.000} s): {seam.WarmupFrames} warm-up frames, {(seam.OnSourceKeyframe ? "on a source keyframe" : "between source keyframes")}"));
        }

        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"joined {result.Frames} frames from {result.Segments.Count} segments (video copied, no re-encode) -> {result.OutputPath}"));
    }
}
