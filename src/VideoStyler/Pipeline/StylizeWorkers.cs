using OpenCvSharp;
using VideoStyler.Stylize;

namespace VideoStyler.Pipeline;

/// <summary>
/// The batch stylize stage's stylizers: one per frame in flight, each with its own ONNX Runtime session
/// and buffers, working on alternate frames (<see cref="RoundRobinWriter"/>, <see cref="RoundRobinReader"/>).
/// Why: on the CPU one session with an intra-op thread per core leaves cores idle inside every operator
/// (the threads meet at each node's end), while one single-threaded session per core keeps both busy. On
/// the 2-core development machine, bare ONNX Runtime at 856x480: the Magenta transformer 11.46 fps with
/// one 2-thread session against 7.32 + 7.35 fps from two 1-thread sessions at once (+28%); candy 5.84
/// against 3.41 + 3.38 (+16%). Stylizers whose output depends on the frame alone are copied
/// (<see cref="FrameStylizer.IsFrameIndependent"/>). The feature stage (features carried along the flow) is one
/// stylizer with a lane per frame in flight (<see cref="FrameStylizer.Lanes"/>): its single-threaded encoder and
/// decoder sessions run different frames at once, and the flow and the blend take their turns in frame order. The
/// others (smoothed statistics, a content vector re-predicted at cuts) need the frames in order on one stylizer.
/// Live mode keeps one stylizer: two frames in flight would double its latency.
/// </summary>
internal sealed class StylizeWorkers : IDisposable
{
    /// <summary>Frames in flight when --frames-in-flight is auto (0) and the stylizer allows it, on 2 cores or more.</summary>
    public const int AutoFramesInFlight = 2;

    private const string InOrder = "frames in flight: 1, because this run's temporal stage or style keeps state from frame to frame and needs the frames in order on one model";

    private readonly List<FrameStylizer> _stylizers;
    private readonly int _lanes;

    private StylizeWorkers(List<FrameStylizer> stylizers, int lanes, int threadsEach, string? notice)
    {
        _stylizers = stylizers;
        _lanes = lanes;
        ThreadsEach = threadsEach;
        Notice = notice;
    }

    /// <summary>The stylizers: one per frame in flight, or one with a lane per frame in flight. The first also applies the controls and names the run.</summary>
    public IReadOnlyList<FrameStylizer> Stylizers => _stylizers;

    public FrameStylizer Primary => _stylizers[0];

    /// <summary>Frames in flight: the worker threads the stage runs.</summary>
    public int Count => _lanes > 1 ? _lanes : _stylizers.Count;

    /// <summary>ONNX Runtime intra-op threads of each session (0: one per core, ONNX Runtime's default).</summary>
    public int ThreadsEach { get; }

    /// <summary>Why fewer frames are in flight than --frames-in-flight asked for, or null.</summary>
    public string? Notice { get; }

    /// <summary>Creates the stylizers.</summary>
    /// <param name="create">Makes one stylizer with this many ONNX Runtime intra-op threads (0: one per core) and feature-stage lanes.</param>
    /// <param name="framesInFlight">--frames-in-flight: 0 = auto (<see cref="AutoFramesInFlight"/> when allowed), else that many.</param>
    /// <param name="threads">--threads: intra-op threads of each session; 0 = the cores shared out among the frames in flight.</param>
    /// <param name="mayRunInParallel">False when the options already ask for a stylizer that keeps state between frames and has no lanes.</param>
    /// <param name="cores">Cores to share out (the machine's by default).</param>
    public static StylizeWorkers Create(Func<int, int, FrameStylizer> create, int framesInFlight, int threads, bool mayRunInParallel, int? cores = null)
    {
        var (wanted, each) = Plan(framesInFlight, threads, cores);
        if (wanted == 1 || !mayRunInParallel)
        {
            return new StylizeWorkers([create(threads, 1)], 1, threads, framesInFlight > 1 ? InOrder : null);
        }

        var first = create(each, wanted);
        if (first.Lanes == wanted)
        {
            return new StylizeWorkers([first], wanted, each, null);
        }

        // Tiled frames (over --max-tile, 4K) keep one copy unless more are asked for: a copy's buffers are frame-sized
        // (candy on a 3840x2160 clip at full size: peak RSS 2.2 GB with one copy, 4.3 GB with two, for 10% more speed).
        if (!first.IsFrameIndependent || (framesInFlight == 0 && first.IsTiled))
        {
            // Found out only now (a picture style's strength below 1, a device provider, tiles): one stylizer. On the
            // CPU it is made again with every core's thread; on a device the thread count hardly matters.
            var device = first.ExecutionProvider != Stylize.Providers.ExecutionProviders.Cpu;
            var notice = framesInFlight > 1
                ? (device ? $"frames in flight: 1 on {first.ExecutionProvider} (one session keeps the device busy)" : InOrder)
                : null;
            if (device || each == threads)
            {
                return new StylizeWorkers([first], 1, each, notice);
            }

            first.Dispose();
            return new StylizeWorkers([create(threads, 1)], 1, threads, notice);
        }

        var stylizers = new List<FrameStylizer> { first };
        try
        {
            while (stylizers.Count < wanted)
            {
                stylizers.Add(create(each, 1));
            }
        }
        catch
        {
            stylizers.ForEach(s => s.Dispose());
            throw;
        }

        return new StylizeWorkers(stylizers, 1, each, null);
    }

    /// <summary>
    /// Frames in flight for --frames-in-flight <paramref name="framesInFlight"/> (0 = auto) before the stylizer is known,
    /// and each session's intra-op threads: --threads, else the cores shared out (at least 1). `bench` measures the bare
    /// model in the same arrangement.
    /// </summary>
    public static (int FramesInFlight, int ThreadsEach) Plan(int framesInFlight, int threads, int? cores = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(framesInFlight);
        var available = cores ?? Environment.ProcessorCount;
        var wanted = framesInFlight > 0 ? framesInFlight : (available >= 2 ? AutoFramesInFlight : 1);
        return (wanted, threads > 0 ? threads : Math.Max(1, available / wanted));
    }

    /// <summary>Worker <paramref name="worker"/> (0 .. <see cref="Count"/> - 1) stylizes frame number <paramref name="sequence"/>.</summary>
    public void Process(int worker, Mat source, Mat destination, long sequence)
    {
        if (_lanes > 1)
        {
            _stylizers[0].Process(source, destination, sequence, worker);
        }
        else
        {
            _stylizers[worker].Process(source, destination);
        }
    }

    /// <summary>Ends the workers' waits for one another (the run is being torn down).</summary>
    public void Abort() => _stylizers.ForEach(s => s.Abort());

    public void Dispose() => _stylizers.ForEach(s => s.Dispose());
}
