using VideoStyler.Models;
using VideoStyler.Styles;
using VideoStyler.Pipeline;
using VideoStyler.Stylize;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Pipeline;

/// <summary>
/// Several frames in flight (one model copy each) give the frames one model gives, in the same order; the
/// stylizers that keep state between frames stay one.
/// </summary>
public sealed class FramesInFlightTests
{
    [Fact]
    public void Auto_runs_two_copies_with_the_cores_shared_out_when_frames_are_independent()
    {
        using var workers = StylizeWorkers.Create((threads, _) => Toon(threads), framesInFlight: 0, threads: 0, mayRunInParallel: true, cores: 2);
        Assert.Equal(2, workers.Count);
        Assert.Equal(1, workers.ThreadsEach);
        Assert.NotSame(workers.Stylizers[0], workers.Stylizers[1]);
        Assert.Null(workers.Notice);

        using var one = StylizeWorkers.Create((threads, _) => Toon(threads), framesInFlight: 0, threads: 0, mayRunInParallel: true, cores: 1);
        Assert.Equal(1, one.Count);
        using var asked = StylizeWorkers.Create((threads, _) => Toon(threads), framesInFlight: 3, threads: 2, mayRunInParallel: true, cores: 2);
        Assert.Equal(3, asked.Count);
        Assert.Equal(2, asked.ThreadsEach);
    }

    [Fact]
    public void Tiled_frames_keep_one_copy_unless_more_are_asked_for()
    {
        // Each copy of a tiled stylizer holds frame-sized buffers (4K: 2.2 GB against 4.3 GB for two copies).
        var made = new List<int>();
        using var auto = StylizeWorkers.Create((threads, _) => { made.Add(threads); return Tiled(threads); }, framesInFlight: 0, threads: 0, mayRunInParallel: true, cores: 2);
        Assert.True(auto.Primary.IsTiled);
        Assert.Equal(1, auto.Count);
        Assert.Equal([1, 0], made);
        Assert.Null(auto.Notice);

        using var asked = StylizeWorkers.Create((threads, _) => Tiled(threads), framesInFlight: 2, threads: 0, mayRunInParallel: true, cores: 2);
        Assert.Equal(2, asked.Count);
    }

    [Fact]
    public void A_stylizer_with_state_between_frames_stays_one_and_says_why_when_more_were_asked_for()
    {
        using var smoothed = StylizeWorkers.Create((threads, _) => Toon(threads), framesInFlight: 2, threads: 0, mayRunInParallel: false, cores: 2);
        Assert.Equal(1, smoothed.Count);
        Assert.Contains("in order", smoothed.Notice, StringComparison.Ordinal);

        // Found out only once made (a picture style below full strength re-predicts its content vector at cuts):
        // made again as one stylizer with every core.
        var made = new List<int>();
        using var blended = StylizeWorkers.Create(
            (threads, _) =>
            {
                made.Add(threads);
                return StylizerFactory.Create(StyleLibrary.CreateDefault(null), "starry-night", new StyleControls { Strength = 0.5 }, 160, 120, 120, ExecutionDevice.Cpu, threads, null);
            },
            framesInFlight: 0, threads: 0, mayRunInParallel: true, cores: 2);
        Assert.Equal(1, blended.Count);
        Assert.Equal([1, 0], made);
        Assert.False(blended.Primary.IsFrameIndependent);
    }

    [Fact]
    public void The_feature_stage_gets_a_lane_per_frame_in_flight_on_one_stylizer()
    {
        var made = new List<(int Threads, int Lanes)>();
        using var workers = StylizeWorkers.Create(
            (threads, lanes) =>
            {
                made.Add((threads, lanes));
                return FrameStylizer.Create(
                    StyleLibrary.CreateDefault(null), TestPaths.SharedModel("candy.onnx"), new StyleControls(), 160, 120, 120, ExecutionDevice.Cpu, threads, null,
                    carryFeatures: true, lanes: lanes);
            },
            framesInFlight: 0, threads: 0, mayRunInParallel: true, cores: 2);
        Assert.Equal(2, workers.Count);
        Assert.Single(workers.Stylizers);
        Assert.Equal(2, workers.Primary.Lanes);
        Assert.Equal([(1, 2)], made);
    }

    [Fact]
    public async Task Two_frames_in_flight_write_the_frames_one_model_writes_in_the_same_order()
    {
        using var temp = new TempFolder();
        var outputs = new Dictionary<int, string>();
        foreach (var inFlight in new[] { 1, 2 })
        {
            var output = Path.Combine(temp.Path, $"k{inFlight}.mkv");
            var run = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", output, "--style", "toon", "--no-temporal",
                "--frames", "10", "--size", "120", "--frames-in-flight", inFlight.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--stats", output + ".json");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains($"\"frames_in_flight\": {inFlight}", File.ReadAllText(output + ".json"), StringComparison.Ordinal);
            outputs[inFlight] = output;
        }

        var one = TestFrames.Read(outputs[1]);
        var two = TestFrames.Read(outputs[2]);
        try
        {
            Assert.Equal(10, one.Count);
            Assert.Equal(10, two.Count);
            for (var i = 0; i < one.Count; i++)
            {
                var same = TestFrames.MeanAbsDiff(one[i], two[i]);
                Assert.True(same < 0.5, $"frame {i}: {same} from the one-model run");
                if (i > 0)
                {
                    // The clip moves: a frame out of place would differ far more than the two runs do.
                    var neighbour = TestFrames.MeanAbsDiff(one[i - 1], two[i]);
                    Assert.True(neighbour > same + 1, $"frame {i}: {neighbour} from the frame before, {same} from its own");
                }
            }
        }
        finally
        {
            one.Concat(two).ToList().ForEach(m => m.Dispose());
        }
    }

    private static FrameStylizer Tiled(int threads) =>
        FrameStylizer.Create(StyleLibrary.CreateDefault(null), "toon", new StyleControls(), 320, 240, 240, ExecutionDevice.Cpu, threads, null, maxTile: 160);

    private static FrameStylizer Toon(int threads) =>
        FrameStylizer.Create(StyleLibrary.CreateDefault(null), "toon", new StyleControls(), 160, 120, 120, ExecutionDevice.Cpu, threads, null);
}
