using System.Diagnostics;
using OpenCvSharp;
using VideoStyler.Stylize;

namespace VideoStyler.Live;

/// <summary>
/// Runs the style model on its own thread, one frame at a time, on the latest frame it was offered
/// (a keyframe); frames offered while it is busy are not queued. The finished keyframe (stylized
/// picture + its small grayscale input, for the flow) is double-buffered and swapped in atomically.
/// A new style is handed over with <see cref="Replace"/> and taken between two model runs; the old
/// one is disposed on the model thread, so it is never disposed while in use.
/// </summary>
internal sealed class KeyframeWorker : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _work = new(0, 1);
    private readonly ManualResetEventSlim _finished = new(false);
    private readonly LiveStats _stats;
    private readonly Mat _input;
    private readonly Mat _inputGray;
    private readonly Thread _thread;
    private readonly int _niceness;
    private readonly CancellationTokenSource _stop = new();
    private Mat _front;
    private Mat _back;
    private Mat _frontGray;
    private Mat _backGray;
    private FrameStylizer _stylizer;
    private FrameStylizer? _pending;
    private Tuple<float[], string>? _pendingVector;
    private long _vectorSwitches;
    private volatile bool _busy;
    private long _sequence;
    private Exception? _fault;

    public KeyframeWorker(FrameStylizer stylizer, int width, int height, Size smallSize, LiveStats stats, int niceness = 10)
    {
        _niceness = niceness;
        _stylizer = stylizer;
        _stats = stats;
        StyleName = stylizer.Name;
        ExecutionProvider = stylizer.ExecutionProvider;
        _input = new Mat(height, width, MatType.CV_8UC3);
        _front = new Mat(height, width, MatType.CV_8UC3);
        _back = new Mat(height, width, MatType.CV_8UC3);
        _inputGray = new Mat(smallSize, MatType.CV_8UC1);
        _frontGray = new Mat(smallSize, MatType.CV_8UC1);
        _backGray = new Mat(smallSize, MatType.CV_8UC1);
        _thread = new Thread(Loop) { IsBackground = true, Name = "live-model" };
        _thread.Start();
    }

    /// <summary>Name of the style whose keyframes are being shown.</summary>
    public string StyleName { get; private set; }

    public string ExecutionProvider { get; private set; }

    /// <summary>Number of keyframes finished so far (0 = none yet).</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    /// <summary>Set when the model failed; the live run ends with it.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    public bool Busy => _busy;

    /// <summary>Gives the model this frame if it is idle. Returns false (and copies nothing) when busy.</summary>
    public bool TryOffer(Mat source, Mat smallGray)
    {
        if (_busy || _stop.IsCancellationRequested)
        {
            return false;
        }

        source.CopyTo(_input);
        smallGray.CopyTo(_inputGray);
        _finished.Reset();
        _busy = true;
        _work.Release();
        return true;
    }

    /// <summary>Runs <paramref name="use"/> on the latest keyframe (stylized, its small gray input); false when none yet.</summary>
    public bool WithKeyframe(Action<Mat, Mat> use)
    {
        lock (_gate)
        {
            if (_sequence == 0)
            {
                return false;
            }

            use(_front, _frontGray);
            return true;
        }
    }

    /// <summary>Style switches that only changed the style vector (no model loaded).</summary>
    /// <summary>Waits until the frame last offered is stylized (it is then the keyframe); false when the time ran out first.</summary>
    public bool WaitForOffered(TimeSpan timeout) => _finished.Wait(timeout);

    public long VectorSwitches => Interlocked.Read(ref _vectorSwitches);

    /// <summary>
    /// Hands over a new style vector for the running transformer; it is used from the next keyframe on.
    /// False (nothing handed over) when the current style is not a style vector, or a whole new style is pending.
    /// </summary>
    public bool TryChangeVector(float[] vector, string name)
    {
        if (!_stylizer.IsArbitrary || Volatile.Read(ref _pending) is not null)
        {
            return false;
        }

        Interlocked.Exchange(ref _pendingVector, Tuple.Create(vector, name));
        return true;
    }

    /// <summary>Hands over a new style; it is used from the next keyframe on.</summary>
    public void Replace(FrameStylizer next)
    {
        Interlocked.Exchange(ref _pending, next)?.Dispose();
        if (_stop.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _pending, null)?.Dispose();
        }
    }

    private void Loop()
    {
        ThreadNice.LowerCurrentThread(_niceness);
        try
        {
            while (true)
            {
                _work.Wait(_stop.Token);
                if (Interlocked.Exchange(ref _pending, null) is { } next)
                {
                    _stylizer.Dispose();
                    _stylizer = next;
                    StyleName = next.Name;
                    ExecutionProvider = next.ExecutionProvider;
                    _stats.CountStyleSwitch();
                }

                if (Interlocked.Exchange(ref _pendingVector, null) is { } vector && _stylizer.TrySetStyleVector(vector.Item1, vector.Item2))
                {
                    StyleName = vector.Item2;
                    Interlocked.Increment(ref _vectorSwitches);
                    _stats.CountStyleSwitch();
                }

                var start = Stopwatch.GetTimestamp();
                _stylizer.Process(_input, _back);
                _stylizer.ApplyControls(_input, _back);
                _stats.Model.AddSince(start);
                _inputGray.CopyTo(_backGray);
                lock (_gate)
                {
                    (_front, _back) = (_back, _front);
                    (_frontGray, _backGray) = (_backGray, _frontGray);
                    _sequence++;
                }

                _stats.CountStylized();
                _busy = false;
                _finished.Set();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _fault, ex);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stylizer.Dispose();
        Interlocked.Exchange(ref _pending, null)?.Dispose();
        _input.Dispose();
        _inputGray.Dispose();
        _front.Dispose();
        _back.Dispose();
        _frontGray.Dispose();
        _backGray.Dispose();
        _stop.Dispose();
        _work.Dispose();
        _finished.Dispose();
    }
}
