using VideoStyler.Pipeline;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using OpenCvSharp;
using VideoStyler.Flow;
using VideoStyler.Frames;

namespace VideoStyler.Live;

/// <summary>
/// A live run: capture -> (drop-oldest channel) -> output loop -> (drop-oldest channel) -> sinks.
/// The output loop never waits for the model: it offers the newest frame to the
/// <see cref="KeyframeWorker"/> when the model is idle, and sends every captured frame on at once as the
/// last stylized keyframe warped along the optical flow to that frame (propagation). The output rate is
/// therefore the input rate, and latency stays at capture + flow + encode whatever the model's speed.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable", Justification = "The keyframe worker lives for one RunAsync call, which disposes it; the field only lets the control endpoints reach it.")]
internal sealed class LiveSession
{
    private const int CaptureQueue = 2;
    private const int OutputQueue = 2;
    private readonly LiveOptions _options;
    private readonly Action<string> _notice;
    private readonly TimeSpan _everyFrameWait;
    private readonly long _startedAt = Stopwatch.GetTimestamp();

    private LiveSession(LiveOptions options, Action<string> notice)
    {
        _options = options;
        // Two frame intervals, at most 80 ms: waiting longer would cost captured frames and latency
        // (p95 <= 100 ms); a model that needs longer is late, and its frames are propagated. Measured on
        // 2 loaded cores at --size 240: 1.5 intervals gave 5.6% propagated, 2 intervals 1.1%.
        _everyFrameWait = TimeSpan.FromMilliseconds(Math.Min(80, 2000 / Math.Max(1, options.Source.FramesPerSecond)));
        _notice = notice;
        Controls.Strength = options.Strength;
        Styles = new StyleSwitcher(options);
    }

    public LiveStats Stats { get; } = new();

    public LiveControls Controls { get; } = new();

    public MjpegBroadcaster Mjpeg { get; } = new();

    /// <summary>The running style and switching to another (the control server's POST /style).</summary>
    internal StyleSwitcher Styles { get; }

    /// <summary>Whether the source is delivering or lost (and for how long).</summary>
    public SourceHealth Health { get; } = new();

    public LiveOptions Options => _options;

    public string StyleName => Styles.Current;

    /// <param name="options">What to capture, how to stylize, where to send it.</param>
    /// <param name="notice">One-line notices for the user (no display for preview, ...).</param>
    /// <param name="onStarted">Called once the model is loaded and frames are about to flow (control URL or null).</param>
    /// <param name="stop">Ends the run (Ctrl-C); --duration ends it too.</param>
    public static async Task<LiveResult> RunAsync(LiveOptions options, Action<string> notice, Action<LiveSession, string?>? onStarted, CancellationToken stop)
    {
        var session = new LiveSession(options, notice);
        return await session.RunAsync(onStarted, stop);
    }

    private async Task<LiveResult> RunAsync(Action<LiveSession, string?>? onStarted, CancellationToken stop)
    {
        var source = _options.Source;
        var (width, height) = (source.Width, source.Height);
        var stylizer = Styles.Load(_options.Style, _options.Arbitrary);
        using var warper = new FlowPropagator(width, height, _options.FlowWidth);
        // With --every-frame the output waits for the model, so the model must not run below it.
        var worker = new KeyframeWorker(stylizer, width, height, warper.LumaSize, Stats, _options.EveryFrame ? 0 : 10);
        Styles.Attach(worker);
        try
        {
            await using var server = _options.ControlPort is { } port
                ? await ControlServer.StartAsync(ControlSurface(), _options.ControlHost, port, _options.Token)
                : null;
            using var preview = _options.Sinks.Any(s => s.Kind == LiveSinkKind.Preview) ? new PreviewWindow(width, height, _notice) : null;

            // Frames live in: the capture channel, the output channel, the capture's hand, the gap
            // filler's hand, the output loop's hand, the encoder's hand, plus one spare each side.
            using var pool = new FramePool(width, height, CaptureQueue + OutputQueue + 6);
            // Two writers: the capture and its gap filler (frames sent on while the source is lost).
            var captured = Channel.CreateBounded<Frame>(
                new BoundedChannelOptions(CaptureQueue) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false },
                dropped =>
                {
                    Stats.CountDroppedCapture();
                    dropped.Release();
                });
            var rendered = Channel.CreateBounded<Frame>(
                new BoundedChannelOptions(OutputQueue) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
                dropped =>
                {
                    Stats.CountDroppedOutput();
                    dropped.Release();
                });

            using var ending = CancellationTokenSource.CreateLinkedTokenSource(stop);
            if (_options.Duration is { } duration)
            {
                ending.CancelAfter(duration);
            }

            using var abort = new CancellationTokenSource();
            using var captureEnd = CancellationTokenSource.CreateLinkedTokenSource(ending.Token, abort.Token);
            // The output loop waits without a token (BlockingWaiter, as the batch stages): an abort reaches it by closing its input.
            using var closeOnAbort = abort.Token.Register(() => captured.Writer.TryComplete());
            onStarted?.Invoke(this, server?.Url);

            var capture = new LiveCapture(_options, pool, Stats, Health, _notice);
            var encoder = new LiveEncoder(_options.Sinks, width, height, source.FramesPerSecond, Stats);
            var captureTask = StageTasks.Guard(() => capture.RunAsync(captured.Writer, captureEnd.Token), null, abort);
            var outputTask = StageTasks.Guard(
                () => Task.Factory.StartNew(
                    () => OutputLoop(captured.Reader, rendered.Writer, warper, worker, preview, abort.Token),
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default),
                rendered.Writer,
                abort);
            var encodeTask = StageTasks.Guard(() => encoder.RunAsync(rendered.Reader, abort.Token), null, abort);
            await StageTasks.WhenAllReportingFirstFault(captureTask, outputTask, encodeTask);

            if (Stats.FramesOut == 0)
            {
                throw new UserFacingException(stop.IsCancellationRequested
                    ? "interrupted before the first frame was sent"
                    : $"no frames came from {source.Target}");
            }

            var json = Status(recent: false);
            return new LiveResult(
                json,
                StyleName,
                Stats.OutputFps,
                Stats.LatencyPercentile(50, recent: false),
                Stats.LatencyPercentile(95, recent: false),
                Stats.FramesOut,
                stop.IsCancellationRequested,
                capture.GaveUp);
        }
        finally
        {
            worker.Dispose();
        }
    }

    /// <summary>What the control server maps its requests onto.</summary>
    private ControlSurface ControlSurface() => new()
    {
        Controls = Controls,
        Preview = Mjpeg,
        Styles = Styles,
        Uploads = new StyleUpload(_options.Library, Styles),
        Status = () => Status(recent: true),
    };

    /// <summary>The figures for GET /status (recent window) or --stats (whole run).</summary>
    public JsonObject Status(bool recent)
    {
        var json = Stats.ToJson(recent);
        var source = _options.Source;
        json["style"] = StyleName;
        json["loading_style"] = Styles.Loading;
        json["style_vector_switches"] = Styles.VectorSwitches;
        json["execution_provider"] = Styles.ExecutionProvider;
        json["paused"] = Controls.Paused;
        json["strength"] = Math.Round(Controls.Strength, 3);
        json["temporal"] = Controls.Temporal;
        json["input"] = source.Target;
        json["input_kind"] = source.Kind.ToString().ToLowerInvariant();
        json["input_fps"] = Math.Round(source.FramesPerSecond, 3);
        json["width"] = source.Width;
        json["height"] = source.Height;
        json["processing_size"] = _options.ProcessingSize;
        json["model_threads"] = _options.Threads;
        json["outputs"] = new JsonArray([.. _options.Sinks.Select(s => (JsonNode)JsonValue.Create(SinkName(s)))]);
        json["uptime_s"] = Math.Round(Stopwatch.GetElapsedTime(_startedAt).TotalSeconds, 1);
        json["source_state"] = Health.IsLost ? "lost" : "live";
        json["source_lost_for_s"] = Math.Round(Health.LostFor.TotalSeconds, 1);
        json["reconnect_timeout_s"] = _options.ReconnectTimeout is { } limit ? Math.Round(limit.TotalSeconds, 1) : null;
        // Resident memory of the whole process and the managed heap: what a soak run watches.
        json["memory_rss_mb"] = Math.Round(Environment.WorkingSet / 1048576.0, 1);
        json["managed_heap_mb"] = Math.Round(GC.GetTotalMemory(forceFullCollection: false) / 1048576.0, 1);
        json["gc_committed_mb"] = Math.Round(GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0, 1);
        return json;
    }

    private void OutputLoop(ChannelReader<Frame> input, ChannelWriter<Frame> output, FlowPropagator warper, KeyframeWorker worker, PreviewWindow? preview, CancellationToken abort)
    {
        using var currentGray = warper.NewLuma();
        using var waiter = new BlockingWaiter();
        var source = _options.Source;
        // The last frame sent, for the fillers written while the source is lost.
        using var last = new Mat(source.Height, source.Width, MatType.CV_8UC3);
        var card = new PlaceholderCard(source.Width);
        long lastRealAt = 0;
        while (waiter.Wait(input.WaitToReadAsync(CancellationToken.None)))
        {
            while (input.TryRead(out var frame))
            {
                try
                {
                    if (worker.Fault is { } fault)
                    {
                        throw fault as UserFacingException ?? new UserFacingException($"the style model failed: {fault.Message}", inner: fault);
                    }

                    if (!frame.IsFiller)
                    {
                        Render(frame, warper, currentGray, worker);
                        frame.OutputMat.CopyTo(last);
                        lastRealAt = frame.CapturedAt;
                    }
                    else if (lastRealAt == 0)
                    {
                        // Nothing sent yet, so nothing to repeat.
                        frame.Release();
                        continue;
                    }
                    else
                    {
                        Fill(frame, last, card, Stopwatch.GetElapsedTime(lastRealAt));
                    }

                    Mjpeg.Offer(frame.OutputMat);
                    preview?.Offer(frame.OutputMat);
                }
                catch
                {
                    frame.Release();
                    throw;
                }

                // Drop-oldest: never waits; a full channel returns its oldest frame to the pool.
                if (!output.TryWrite(frame))
                {
                    frame.Release();
                }
            }
        }

        // An abort completes the input channel (see RunAsync) to end the wait: it still ends this stage as cancelled.
        abort.ThrowIfCancellationRequested();
        output.TryComplete();
    }

    /// <summary>No new picture came in: repeat the last one, or after a while show the placeholder card.</summary>
    private void Fill(Frame frame, Mat last, PlaceholderCard card, TimeSpan silentFor)
    {
        if (silentFor >= _options.PlaceholderAfter)
        {
            card.Draw(last, frame.OutputMat, Health.IsLost, silentFor);
            Stats.CountPlaceholder();
        }
        else
        {
            last.CopyTo(frame.OutputMat);
            Stats.CountRepeated();
        }
    }

    private void Render(Frame frame, FlowPropagator warper, Mat currentGray, KeyframeWorker worker)
    {
        if (Controls.Paused)
        {
            frame.SourceMat.CopyTo(frame.OutputMat);
            Stats.CountUnstyled();
            return;
        }

        var start = Stopwatch.GetTimestamp();
        warper.ToLuma(frame.SourceMat, currentGray);
        var offered = worker.TryOffer(frame.SourceMat, currentGray);
        if (_options.EveryFrame)
        {
            if (offered && worker.WaitForOffered(_everyFrameWait) && worker.WithKeyframe((stylized, _) => stylized.CopyTo(frame.OutputMat)))
            {
                // The model finished this very frame in time: it goes out as it is, no propagation.
                Stats.CountDirect();
                EveryFrameNotice(Stats.CountEveryFrame(propagated: false));
                BlendStrength(frame);
                return;
            }

            // Late or still busy with an earlier frame: this one is propagated; the model's current
            // frame becomes the next keyframe.
            EveryFrameNotice(Stats.CountEveryFrame(propagated: true));
        }

        var temporal = Controls.Temporal;
        var shown = worker.WithKeyframe((stylized, keyGray) =>
        {
            if (temporal)
            {
                warper.Propagate(stylized, keyGray, currentGray, frame.OutputMat);
            }
            else
            {
                stylized.CopyTo(frame.OutputMat);
            }
        });
        if (!shown)
        {
            // Until the first keyframe is ready the live picture goes out as it is: no gap.
            frame.SourceMat.CopyTo(frame.OutputMat);
            Stats.CountUnstyled();
            return;
        }

        Stats.Flow.AddSince(start);
        Stats.CountPropagated();
        BlendStrength(frame);
    }

    private void BlendStrength(Frame frame)
    {
        var strength = Controls.Strength;
        if (strength < 1.0)
        {
            Cv2.AddWeighted(frame.OutputMat, strength, frame.SourceMat, 1.0 - strength, 0, frame.OutputMat);
        }
    }

    private void EveryFrameNotice(bool? fallingBack)
    {
        if (fallingBack is { } late)
        {
            _notice(late
                ? $"every frame: the model cannot keep up at {_options.ProcessingSize} (over 5% of the last 30 frames were late or dropped); propagating between keyframes until it can (a smaller --size helps)"
                : "every frame: the model keeps up again; every frame goes through the network");
        }
    }

    public static string SinkName(LiveSink sink) => sink.Kind switch
    {
        LiveSinkKind.VirtualCamera => "v4l2:" + sink.Target,
        _ => sink.Target,
    };

    internal static string Invariant(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
