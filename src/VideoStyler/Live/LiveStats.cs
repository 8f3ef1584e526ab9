using System.Diagnostics;
using System.Text.Json.Nodes;
using VideoStyler.Frames;

namespace VideoStyler.Live;

/// <summary>
/// Counters and latency samples of a live run, safe to read from the control server while the
/// pipeline writes them. Latency is capture-to-output: from the moment a frame was read from the
/// source to the moment it was written to the sink pipe.
/// </summary>
internal sealed class LiveStats
{
    private const int WindowSize = 900;
    private readonly Lock _gate = new();
    private readonly List<float> _allLatencies = [];
    private readonly Queue<long> _recentOut = new();
    private readonly float[] _window = new float[WindowSize];
    private int _windowCount;
    private int _windowNext;
    private long _framesIn;
    private long _framesOut;
    private long _framesStylized;
    private long _framesPropagated;
    private long _framesDirect;
    private long _everyFrameWindowFrames;
    private long _everyFrameWindowPropagated;
    private long _everyFrameWindowDroppedAtStart;
    private volatile bool _everyFrameFallingBack;
    private bool _everyFrameWarm;
    private long _framesUnstyled;
    private long _droppedCapture;
    private long _droppedOutput;
    private long _firstOutAt;
    private long _lastOutAt;
    private long _styleSwitches;
    private long _framesRepeated;
    private long _framesPlaceholder;
    private long _sourceLost;
    private long _reconnects;
    private long _reconnectAttempts;

    public StageClock Model { get; } = new();

    public StageClock Flow { get; } = new();

    public StageClock Write { get; } = new();

    public long FramesIn => Interlocked.Read(ref _framesIn);

    public long FramesOut => Interlocked.Read(ref _framesOut);

    /// <summary>Keyframes the model stylized.</summary>
    public long FramesStylized => Interlocked.Read(ref _framesStylized);

    /// <summary>With --every-frame: output frames the model stylized themselves (not propagated).</summary>
    public long FramesDirect => Interlocked.Read(ref _framesDirect);

    /// <summary>Null without --every-frame; else whether more than 5% of the last 30 frames were late (propagated, or dropped at capture while the output waited for the model).</summary>
    public bool? EveryFrameFallingBack { get; private set; }

    /// <summary>Output frames made by warping the last keyframe along the optical flow.</summary>
    public long FramesPropagated => Interlocked.Read(ref _framesPropagated);

    /// <summary>Output frames shown without style (before the first keyframe, or paused).</summary>
    public long FramesUnstyled => Interlocked.Read(ref _framesUnstyled);

    public long FramesDropped => Interlocked.Read(ref _droppedCapture) + Interlocked.Read(ref _droppedOutput);

    public long DroppedCapture => Interlocked.Read(ref _droppedCapture);

    public long DroppedOutput => Interlocked.Read(ref _droppedOutput);

    public long StyleSwitches => Interlocked.Read(ref _styleSwitches);

    /// <summary>Output frames that repeated the last output because no new frame had come in.</summary>
    public long FramesRepeated => Interlocked.Read(ref _framesRepeated);

    /// <summary>Output frames that showed the "source lost" placeholder card.</summary>
    public long FramesPlaceholder => Interlocked.Read(ref _framesPlaceholder);

    /// <summary>Times the source was lost (ffmpeg ended or stalled).</summary>
    public long SourceLost => Interlocked.Read(ref _sourceLost);

    /// <summary>Times a lost source came back.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    public long ReconnectAttempts => Interlocked.Read(ref _reconnectAttempts);

    public void CountRepeated() => Interlocked.Increment(ref _framesRepeated);

    public void CountPlaceholder() => Interlocked.Increment(ref _framesPlaceholder);

    public void CountSourceLost() => Interlocked.Increment(ref _sourceLost);

    public void CountReconnect() => Interlocked.Increment(ref _reconnects);

    public void CountReconnectAttempt() => Interlocked.Increment(ref _reconnectAttempts);

    public void CountIn() => Interlocked.Increment(ref _framesIn);

    public void CountStylized() => Interlocked.Increment(ref _framesStylized);

    public void CountPropagated() => Interlocked.Increment(ref _framesPropagated);

    public void CountDirect() => Interlocked.Increment(ref _framesDirect);

    /// <summary>
    /// With --every-frame (output thread only): counts one output frame, direct or propagated; every 30
    /// frames decides whether the model keeps up (at most 5% late: propagated, or captured frames dropped
    /// because the output waited). Returns the new state when it changed (true: falling back), else null.
    /// </summary>
    public bool? CountEveryFrame(bool propagated)
    {
        EveryFrameFallingBack ??= false;
        _everyFrameWindowFrames++;
        if (propagated)
        {
            _everyFrameWindowPropagated++;
        }

        if (_everyFrameWindowFrames < 30)
        {
            return null;
        }

        var dropped = DroppedCapture - _everyFrameWindowDroppedAtStart;
        if (!_everyFrameWarm)
        {
            // The first 30 frames include the model's first runs (arenas, caches): no verdict on them.
            _everyFrameWarm = true;
            _everyFrameWindowFrames = 0;
            _everyFrameWindowPropagated = 0;
            _everyFrameWindowDroppedAtStart = DroppedCapture;
            return null;
        }

        // Hysteresis: falls back above 5% late, keeps up again at 2.5% or less (no notice every second).
        var late = (_everyFrameWindowPropagated + dropped) * 1000 / (_everyFrameWindowFrames + dropped);
        var fallingBack = _everyFrameFallingBack ? late > 25 : late > 50;
        _everyFrameWindowFrames = 0;
        _everyFrameWindowPropagated = 0;
        _everyFrameWindowDroppedAtStart = DroppedCapture;
        if (fallingBack == _everyFrameFallingBack)
        {
            return null;
        }

        _everyFrameFallingBack = fallingBack;
        EveryFrameFallingBack = fallingBack;
        return fallingBack;
    }

    public void CountUnstyled() => Interlocked.Increment(ref _framesUnstyled);

    public void CountDroppedCapture() => Interlocked.Increment(ref _droppedCapture);

    public void CountDroppedOutput() => Interlocked.Increment(ref _droppedOutput);

    public void CountStyleSwitch() => Interlocked.Increment(ref _styleSwitches);

    /// <summary>
    /// A frame reached the sinks; <paramref name="capturedAt"/> is its Stopwatch capture time. A filler
    /// (<paramref name="sampleLatency"/> false) counts as output but has no capture-to-output latency.
    /// </summary>
    public void CountOut(long capturedAt, bool sampleLatency = true)
    {
        var now = Stopwatch.GetTimestamp();
        var ms = (float)Stopwatch.GetElapsedTime(capturedAt, now).TotalMilliseconds;
        lock (_gate)
        {
            if (_framesOut == 0)
            {
                _firstOutAt = now;
            }

            _lastOutAt = now;
            _framesOut++;
            if (sampleLatency)
            {
                if (_allLatencies.Count < 10_000_000)
                {
                    _allLatencies.Add(ms);
                }

                _window[_windowNext] = ms;
                _windowNext = (_windowNext + 1) % WindowSize;
                _windowCount = Math.Min(_windowCount + 1, WindowSize);
            }

            _recentOut.Enqueue(now);
            var horizon = now - (2 * Stopwatch.Frequency);
            while (_recentOut.Count > 0 && _recentOut.Peek() < horizon)
            {
                _recentOut.Dequeue();
            }
        }
    }

    /// <summary>Output rate over the whole run (first to last frame written).</summary>
    public double OutputFps
    {
        get
        {
            lock (_gate)
            {
                var seconds = (_lastOutAt - _firstOutAt) / (double)Stopwatch.Frequency;
                return _framesOut < 2 || seconds <= 0 ? 0 : (_framesOut - 1) / seconds;
            }
        }
    }

    /// <summary>Output rate over the last two seconds.</summary>
    public double RecentOutputFps
    {
        get
        {
            lock (_gate)
            {
                if (_recentOut.Count < 2)
                {
                    return 0;
                }

                var seconds = (_recentOut.Last() - _recentOut.Peek()) / (double)Stopwatch.Frequency;
                return seconds <= 0 ? 0 : (_recentOut.Count - 1) / seconds;
            }
        }
    }

    /// <summary>Latency percentile (0..100) over the whole run, or over the last frames.</summary>
    public double LatencyPercentile(double percentile, bool recent)
    {
        float[] samples;
        lock (_gate)
        {
            samples = recent ? _window[.._windowCount] : [.. _allLatencies];
        }

        if (samples.Length == 0)
        {
            return 0;
        }

        Array.Sort(samples);
        var rank = (int)Math.Ceiling(percentile / 100.0 * samples.Length) - 1;
        return samples[Math.Clamp(rank, 0, samples.Length - 1)];
    }

    /// <summary>The figures shared by --stats and GET /status.</summary>
    public JsonObject ToJson(bool recent)
    {
        return new JsonObject
        {
            ["output_fps"] = Math.Round(recent ? RecentOutputFps : OutputFps, 2),
            ["latency_ms_p50"] = Math.Round(LatencyPercentile(50, recent), 1),
            ["latency_ms_p95"] = Math.Round(LatencyPercentile(95, recent), 1),
            ["latency_ms_max"] = Math.Round(LatencyPercentile(100, recent), 1),
            ["frames_in"] = FramesIn,
            ["frames_out"] = FramesOut,
            ["frames_stylized"] = FramesStylized,
            ["frames_propagated"] = FramesPropagated,
            ["frames_direct"] = FramesDirect,
            ["every_frame"] = EveryFrameFallingBack switch { null => null, true => "falling back: the model is late, frames are propagated", false => "keeping up" },
            ["frames_unstyled"] = FramesUnstyled,
            ["frames_dropped"] = FramesDropped,
            ["frames_dropped_capture"] = DroppedCapture,
            ["frames_dropped_output"] = DroppedOutput,
            ["model_ms_mean"] = Math.Round(Model.MeanMilliseconds, 1),
            ["flow_ms_mean"] = Math.Round(Flow.MeanMilliseconds, 2),
            ["write_ms_mean"] = Math.Round(Write.MeanMilliseconds, 2),
            ["style_switches"] = StyleSwitches,
            ["frames_repeated"] = FramesRepeated,
            ["frames_placeholder"] = FramesPlaceholder,
            ["source_lost"] = SourceLost,
            ["reconnects"] = Reconnects,
            ["reconnect_attempts"] = ReconnectAttempts,
        };
    }
}
