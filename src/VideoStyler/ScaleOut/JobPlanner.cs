using VideoStyler.Pipeline;
using VideoStyler.Sinks;
using VideoStyler.Sources;

namespace VideoStyler.ScaleOut;

/// <summary>Makes a job folder: probes the input's frames and keyframes, cuts them into segments, records the identities.</summary>
public static class JobPlanner
{
    /// <summary>
    /// Default warm-up: frames each segment stylizes before its first one. The temporal stage's memory
    /// of a frame fades within a few frames (measured on walk.mkv with candy at --size 160: the seam
    /// frames' difference from the single-machine run's falls from 0 warm-up frames to 8, and stays flat
    /// after; see the README's scale-out section), so 8 costs 8 frames of model time per segment.
    /// </summary>
    public const int DefaultWarmupFrames = 8;

    public static async Task<JobFolder> CreateAsync(
        string inputPath, string outputPath, string jobPath, JobSettings settings, int segments, int warmupFrames, bool force, CancellationToken cancellationToken)
    {
        var input = Path.GetFullPath(inputPath);
        var output = Path.GetFullPath(outputPath);
        var info = await VideoProbe.ProbeAsync(input, cancellationToken);
        ContainerProfile.ForPath(output);
        if (string.Equals(input, output, StringComparison.Ordinal))
        {
            throw new UserFacingException($"output {outputPath} is the input; choose another output name");
        }

        if (File.Exists(output) && !force)
        {
            throw new UserFacingException($"output {outputPath} already exists (use --force to overwrite it)");
        }

        if (!Directory.Exists(Path.GetDirectoryName(output)))
        {
            throw new UserFacingException($"output folder does not exist: {Path.GetDirectoryName(output)}");
        }

        var styleIdentity = StyleIdentity.Of(settings.Library(), settings.Style);
        var times = (await FrameTimes.ProbeAsync(info, cancellationToken)).Take(settings.MaxFrames);
        var plan = SegmentPlanner.Plan(times, segments, warmupFrames);
        var spec = new JobSpec
        {
            InputPath = input,
            Input = InputIdentity.Of(input),
            OutputPath = output,
            Force = force,
            ToolVersion = StylizeRunner.ToolVersion,
            StyleIdentity = styleIdentity,
            Settings = settings,
            WarmupFrames = warmupFrames,
            TotalFrames = times.Count,
            Segments = plan,
        };
        return JobFolder.Create(jobPath, spec, force);
    }
}
