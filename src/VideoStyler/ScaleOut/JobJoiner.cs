using VideoStyler.Pipeline;
using System.Globalization;
using System.Text;
using VideoStyler.Sinks;
using VideoStyler.Sources;

namespace VideoStyler.ScaleOut;

/// <summary>
/// Joins a finished job: checks that every segment is there (else names the missing ones and why they
/// failed), concatenates their video without re-encoding, takes audio and subtitles once from the
/// source, and writes the output under a temporary name that is renamed when ffmpeg succeeded.
/// </summary>
internal static class JobJoiner
{
    public static async Task<JoinResult> RunAsync(JobFolder job, bool force, CancellationToken stop)
    {
        var spec = job.Spec;
        var missing = new List<string>();
        var done = new List<SegmentStats>();
        foreach (var segment in spec.Segments)
        {
            if (job.Finished(segment.Index) is { } stats)
            {
                done.Add(stats);
            }
            else
            {
                missing.Add(job.Failure(segment.Index) is { } failure ? $"{segment.Index} (failed: {Tail(failure)})" : segment.Index.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (missing.Count > 0)
        {
            throw new UserFacingException(
                $"the job is incomplete: {missing.Count} of {spec.Segments.Count} segments missing: {string.Join(", ", missing)}; run them (videostyler run-segment {job.Path} INDEX) and join again");
        }

        job.VerifyInput();
        var info = await VideoProbe.ProbeAsync(spec.InputPath, CancellationToken.None);
        var profile = ContainerProfile.ForPath(spec.OutputPath);
        var output = OutputFile.Prepare(spec.InputPath, spec.OutputPath, force || spec.Force);
        var list = Path.Combine(job.Path, "join.ffconcat");
        var succeeded = false;
        try
        {
            JobFolder.WriteAtomically(list, ConcatList(job));
            var marking = $"AI-stylized by VideoStyler {spec.ToolVersion}; style: {done[0].Style}";
            var args = JoinArguments.Build(list, spec.Segments[0].StartMs / 1000.0, info, output.TemporaryPath, profile, marking, spec.Settings.MaxFrames > 0);
            var (exitCode, _, stderr) = await ProcessRunner.RunAsync("ffmpeg", args, stop);
            if (exitCode != 0)
            {
                var last = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
                throw new UserFacingException($"ffmpeg could not join the segments into {spec.OutputPath}: {last ?? $"exit code {exitCode}"}") { Details = stderr };
            }

            output.Commit();
            succeeded = true;
        }
        finally
        {
            if (!succeeded)
            {
                output.Discard();
            }
        }

        return new JoinResult
        {
            OutputPath = output.FinalPath,
            Frames = done.Sum(s => s.FramesOut),
            Segments = done,
            Seams = spec.Segments.Skip(1).Select(s => new Seam(s.Index, s.FirstFrame, s.StartMs, s.WarmupFrames, s.OnSourceKeyframe)).ToList(),
        };
    }

    /// <summary>
    /// The concat demuxer's list: each segment with its exact duration up to the next one's first frame,
    /// so every frame keeps its timestamp across the seams (a file's own duration would end at its last
    /// frame's end, which can differ by a frame time on variable-rate input).
    /// </summary>
    internal static string ConcatList(JobFolder job)
    {
        var text = new StringBuilder("ffconcat version 1.0\n");
        foreach (var segment in job.Spec.Segments)
        {
            var path = job.SegmentFile(segment.Index).Replace("'", "'\\''", StringComparison.Ordinal);
            text.Append(CultureInfo.InvariantCulture, $"file '{path}'\n");
            if (segment.DurationSeconds is { } seconds)
            {
                text.Append(CultureInfo.InvariantCulture, $"duration {seconds:0.######}\n");
            }
        }

        return text.ToString();
    }

    private static string Tail(string failure) => failure.Length > 300 ? failure[..300] + "..." : failure;
}
