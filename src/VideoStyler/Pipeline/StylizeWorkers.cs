using VideoStyler.Stylize;

namespace VideoStyler.Pipeline;

/// <summary>
/// The batch stylize stage's stylizers: one per frame in flight, each with its own ONNX Runtime session
/// and buffers, working on alternate frames (<see cref="RoundRobinWriter"/>, <see cref="RoundRobinReader"/>).
/// Why: on the CPU one session with an intra-op thread per core leaves cores idle inside every operator
/// (the threads meet at each node's end), while one single-threaded session per core keeps both busy. On
/// the 2-core development machine, bare ONNX Runtime at 856x480: the Magenta transformer 11.46 fps with
/// one 2-thread session against 7.32 + 7.35 fps from two 1-thread sessions at once (+28%); candy 5.84
/// against 3.41 + 3.38 (+16%). Only stylizers whose output depends on the frame alone may be copied
/// (<see cref="FrameStylizer.IsFrameIndependent"/>); the others (features carried along the flow,
/// smoothed statistics, a content vector re-predicted at cuts) need the frames in order on one stylizer.
/// Live mode keeps one stylizer: two frames in flight would double its latency.
/// </summary>
internal sealed class StylizeWorkers : IDisposable
{
    /// <summary>Frames in flight when --frames-in-flight is auto (0) and the stylizer allows it, on 2 cores or more.</summary>
    public const int AutoFramesInFlight = 2;

    private readonly List<FrameStylizer> _stylizers;

    private StylizeWorkers(List<FrameStylizer> stylizers, string? notice)
    {
        _stylizers = stylizers;
        Notice = notice;
    }

    /// <summary>One stylizer per frame in flight; the first one also applies the controls and names the run.</summary>
    public IReadOnlyList<FrameStylizer> Stylizers => _stylizers;

    public FrameStylizer Primary => _stylizers[0];

    public int Count => _stylizers.Count;

    /// <summary>ONNX Runtime intra-op threads of each stylizer's session (0: one per core, ONNX Runtime's default).</summary>
    public int ThreadsEach { get; private init; }

    /// <summary>Why fewer frames are in flight than --frames-in-flight asked for, or null.</summary>
    public string? Notice { get; }

    /// <summary>
    /// Creates the stylizers. <paramref name="create"/> makes one with the given intra-op threads.
    /// </summary>
    /// <param name="create">Makes one stylizer with this many ONNX Runtime intra-op threads (0: one per core).</param>
    /// <param name="framesInFlight">--frames-in-flight: 0 = auto (<see cref="AutoFramesInFlight"/> when allowed), else that many.</param>
    /// <param name="threads">--threads: intra-op threads of each session; 0 = the cores shared out among the sessions.</param>
    /// <param name="mayRunInParallel">False when the options already ask for a stylizer that keeps state between frames.</param>
    /// <param name="cores">Cores to share out (the machine's by default).</param>
    public static StylizeWorkers Create(Func<int, FrameStylizer> create, int framesInFlight, int threads, bool mayRunInParallel, int? cores = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(framesInFlight);
        var available = cores ?? Environment.ProcessorCount;
        var wanted = framesInFlight > 0 ? framesInFlight : (available >= 2 ? AutoFramesInFlight : 1);
        const string inOrder = "frames in flight: 1, because this run's temporal stage or style keeps state from frame to frame and needs the frames in order on one model";
        if (wanted == 1 || !mayRunInParallel)
        {
            return new StylizeWorkers([create(threads)], framesInFlight > 1 ? inOrder : null) { ThreadsEach = threads };
        }

        var each = threads > 0 ? threads : Math.Max(1, available / wanted);
        var first = create(each);
        if (!first.IsFrameIndependent)
        {
            // Found out only now (a picture style's strength below 1, a device provider): one stylizer. On the
            // CPU it is made again with every core's thread; on a device the thread count hardly matters.
            var device = first.ExecutionProvider != Stylize.Providers.ExecutionProviders.Cpu;
            var notice = framesInFlight > 1
                ? (device ? $"frames in flight: 1 on {first.ExecutionProvider} (one session keeps the device busy)" : inOrder)
                : null;
            if (device || each == threads)
            {
                return new StylizeWorkers([first], notice) { ThreadsEach = each };
            }

            first.Dispose();
            return new StylizeWorkers([create(threads)], notice) { ThreadsEach = threads };
        }

        var stylizers = new List<FrameStylizer> { first };
        try
        {
            while (stylizers.Count < wanted)
            {
                stylizers.Add(create(each));
            }
        }
        catch
        {
            stylizers.ForEach(s => s.Dispose());
            throw;
        }

        return new StylizeWorkers(stylizers, null) { ThreadsEach = each };
    }

    public void Dispose() => _stylizers.ForEach(s => s.Dispose());
}
