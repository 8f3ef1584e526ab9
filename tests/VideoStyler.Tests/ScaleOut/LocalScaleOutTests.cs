using System.Globalization;
using System.Text.Json;
using OpenCvSharp;
using VideoStyler.Temporal;
using VideoStyler.Tests.Support;
using Xunit.Abstractions;

namespace VideoStyler.Tests.ScaleOut;

/// <summary>
/// walk.mkv cut into 3 segments, run by `plan --emit local` as separate worker processes and joined,
/// against a single-machine run: the same frames and timestamps, seams that neither flicker more than
/// the clip nor depart from the single run's frames, and workers that do not redo finished segments.
/// </summary>
public class LocalScaleOutTests : IClassFixture<ScaleOutRun>
{
    private readonly ScaleOutRun _run;
    private readonly ITestOutputHelper _output;

    public LocalScaleOutTests(ScaleOutRun run, ITestOutputHelper output)
    {
        _run = run;
        _output = output;
    }

    [Fact]
    public async Task Joined_output_has_the_single_machine_runs_frame_count_and_timestamps()
    {
        await _run.EnsureAsync();

        var single = await PresentationTimes(_run.Single);
        var joined = await PresentationTimes(_run.Joined);

        Assert.Equal(89, single.Count);
        Assert.Equal(single, joined);
        Assert.Contains("planned 89 frames in 3 segments (30, 29, 30 frames", _run.PlanRun!.StdOut);
        Assert.Contains("seam 1 at frame 30 (1.000 s): 16 warm-up frames", _run.PlanRun.StdOut);
        Assert.Contains("seam 2 at frame 59", _run.PlanRun.StdOut);
        Assert.Contains("joined 89 frames from 3 segments", _run.PlanRun.StdOut);
        // Each segment starts on a keyframe (forced), so the copied video can be cut there.
        var keyframes = await KeyframeTimes(_run.Joined);
        Assert.Contains(1000L, keyframes);
        Assert.Contains(1967L, keyframes);
        // The marking a stylize run writes is there too.
        var probe = await Support.Cli.RunProcessAsync("ffprobe", ["-v", "error", "-show_entries", "format_tags=comment", "-of", "csv=p=0", _run.Joined], TimeSpan.FromMinutes(1));
        Assert.Contains("AI-stylized by VideoStyler", probe.StdOut);
        Assert.Empty(Directory.GetFiles(_run.Folder, "*tmp*", SearchOption.AllDirectories));
        using var stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(_run.Job, "segments", "001.json")));
        Assert.Equal(29, stats.RootElement.GetProperty("frames_out").GetInt32());
        Assert.Equal(16, stats.RootElement.GetProperty("warmup_frames").GetInt32());
        // Warm-up, the segment and the next segment's first frame as lookahead.
        Assert.Equal(16 + 29 + 1, stats.RootElement.GetProperty("frames_decoded").GetInt32());
    }

    [Fact]
    public async Task Seams_flicker_no_more_than_the_clip_and_stay_close_to_the_single_machine_frames()
    {
        await _run.EnsureAsync();
        var input = TestFrames.Read(_run.Input);
        var single = TestFrames.Read(_run.Single);
        var joined = TestFrames.Read(_run.Joined);
        Assert.Equal(89, joined.Count);

        var pairs = PairWarpErrors(input, joined);
        var singlePairs = PairWarpErrors(input, single);
        var clipMean = pairs.Average();
        var diffs = joined.Zip(single, TestFrames.MeanAbsDiff).ToList();
        // The encoder's own difference: the two runs encode the same pictures in different groups of pictures.
        var interior = Enumerable.Range(35, 20).Concat(Enumerable.Range(65, 20)).Select(i => diffs[i]).Average();
        _output.WriteLine(string.Create(
            CultureInfo.InvariantCulture, $"E_warp clip mean: joined {clipMean:0.000000}, single {singlePairs.Average():0.000000}; interior |joined-single| {interior:0.000}"));
        foreach (var seam in new[] { 30, 59 })
        {
            // The pair (seam-1, seam). walk.mkv moves more there than on average: the single run's own
            // E_warp on these pairs is 1.4 x its clip mean, so the seam is held to the larger of the clip
            // mean and what the single run has on the same pair, with 20% for the keyframe the segment
            // starts with (the encoder's picture changes a little more across a new group of pictures).
            var straddling = pairs[seam - 1];
            var reference = Math.Max(clipMean, singlePairs[seam - 1]);
            _output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"seam at {seam}: E_warp {straddling:0.000000} (single run on that pair {singlePairs[seam - 1]:0.000000}; clip mean {clipMean:0.000000}); |joined-single| before {diffs[seam - 1]:0.000}, after {diffs[seam]:0.000}"));
            Assert.True(straddling <= 1.2 * reference, $"seam {seam}: E_warp {straddling} above 1.2 x {reference}");
            Assert.True(diffs[seam - 1] <= 1.5 * interior + 0.5, $"frame {seam - 1}: {diffs[seam - 1]} vs interior {interior}");
            Assert.True(diffs[seam] <= 1.5 * interior + 0.5, $"frame {seam}: {diffs[seam]} vs interior {interior}");
        }

        // Up to the first frames the encoder treats differently, segment 0 is the single run bit for bit.
        Assert.Equal(0, diffs[0]);
        foreach (var frame in input.Concat(single).Concat(joined))
        {
            frame.Dispose();
        }
    }

    [Fact]
    public async Task A_finished_segment_is_not_done_again_and_the_output_is_not_replaced_without_force()
    {
        await _run.EnsureAsync();
        var segment = Path.Combine(_run.Job, "segments", "001.mkv");
        var written = File.GetLastWriteTimeUtc(segment);

        var again = await Support.Cli.RunAsync("run-segment", _run.Job, "1");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("segment 1: already done (29 frames)", again.StdOut);
        Assert.Equal(written, File.GetLastWriteTimeUtc(segment));

        var rejoin = await Support.Cli.RunAsync("join", _run.Job);
        CliAssert.OneLineError(rejoin, "already exists (use --force");
        Assert.Equal(1, rejoin.ExitCode);
    }

    private static List<double> PairWarpErrors(List<Mat> input, List<Mat> output)
    {
        var width = input[0].Cols;
        var height = input[0].Rows;
        using var flow = new OcclusionAwareFlow(width, height);
        using var previous = new Mat();
        using var current = new Mat();
        var errors = new List<double>();
        for (var i = 1; i < output.Count; i++)
        {
            Cv2.CvtColor(input[i - 1], previous, ColorConversionCodes.BGR2GRAY);
            Cv2.CvtColor(input[i], current, ColorConversionCodes.BGR2GRAY);
            var valid = flow.Compute(previous, current);
            using var pair = new WarpErrorAccumulator(width, height);
            pair.Add(output[i - 1], null, 0);
            pair.Add(output[i], flow, valid);
            errors.Add(pair.Mean);
        }

        return errors;
    }

    internal static async Task<List<long>> PresentationTimes(string path)
    {
        var run = await Support.Cli.RunProcessAsync(
            "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts", "-of", "csv=p=0", path], TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => long.Parse(line.Split(',')[0], CultureInfo.InvariantCulture)).ToList();
    }

    private static async Task<List<long>> KeyframeTimes(string path)
    {
        var run = await Support.Cli.RunProcessAsync(
            "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,flags", "-of", "csv=p=0", path], TimeSpan.FromMinutes(1));
        return run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Split(',')[1].Contains('K', StringComparison.Ordinal))
            .Select(line => long.Parse(line.Split(',')[0], CultureInfo.InvariantCulture)).ToList();
    }
}
