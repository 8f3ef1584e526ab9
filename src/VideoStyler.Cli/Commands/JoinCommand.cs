using System.Globalization;
using VideoStyler.ScaleOut;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler join JOBDIR`: the finished segments into the output.</summary>
internal static class JoinCommand
{
    public const string Help = """
        usage: videostyler join JOBDIR [--force]

        Checks that every segment of the job in JOBDIR is finished (else lists the missing ones, with
        the error of those that failed), concatenates their video without re-encoding it, takes the
        audio and subtitles once from the input, and writes the job's OUTPUT (under a temporary name,
        renamed when done). Prints where the seams are.

        exit codes: 0 done; 1 error (incomplete job, changed input, existing output); 2 bad command line.

        options:
          --force               overwrite OUTPUT if it exists (also when plan had --force)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var line = CommandLine.Parse("join", args, [], ["--force"]);
        if (line.HelpRequested)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }

        if (line.Positionals.Count != 1)
        {
            throw new UsageException("join: give JOBDIR (see videostyler join --help)");
        }

        var job = JobFolder.Open(line.Positionals[0]);
        using var stop = new CancellationTokenSource();
        using var signals = InterruptHandler.Install(stop);
        try
        {
            var result = await JobJoiner.RunAsync(job, line.Has("--force"), stop.Token);
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
