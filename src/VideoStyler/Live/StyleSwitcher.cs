using VideoStyler.Frames;
using VideoStyler.Styles;
using VideoStyler.Stylize;

namespace VideoStyler.Live;

/// <summary>
/// The live run's style: loads the start style, and switches to another one while frames flow. A picture
/// style after a picture style changes only the transformer's style vector; anything else loads a new
/// stylizer on a low-priority thread (off the output path) and hands it to the model thread, which
/// disposes the old one there.
/// </summary>
internal sealed class StyleSwitcher
{
    private readonly LiveOptions _options;
    private KeyframeWorker? _worker;
    private volatile string? _loading;

    /// <param name="options">The run's source size, processing size, device, threads and style library.</param>
    public StyleSwitcher(LiveOptions options)
    {
        _options = options;
    }

    /// <summary>The style the model runs now ("" before the run starts).</summary>
    public string Current => _worker?.StyleName ?? "";

    /// <summary>The style being loaded, or null when no switch is under way.</summary>
    public string? Loading => _loading;

    /// <summary>Switches that changed only the style vector (no model load).</summary>
    public long VectorSwitches => _worker?.VectorSwitches ?? 0;

    /// <summary>Where the model runs (CPU, CUDA, ...), once started.</summary>
    public string? ExecutionProvider => _worker?.ExecutionProvider;

    /// <summary>Loads a stylizer for <paramref name="styleSpec"/> (a name or model file; null: the default) at the run's sizes.</summary>
    internal FrameStylizer Load(string? styleSpec, Stylize.Arbitrary.ArbitraryStyle? arbitrary = null)
    {
        var source = _options.Source;
        return StylizerFactory.Create(
            _options.Library, styleSpec, new StyleControls(), source.Width, source.Height, _options.ProcessingSize, _options.Device, _options.Threads, null,
            arbitrary: arbitrary, videoNetwork: _options.VideoNetwork);
    }

    /// <summary>The model thread whose style this switches (set once the run starts).</summary>
    internal void Attach(KeyframeWorker worker) => _worker = worker;

    /// <summary>Switches to <paramref name="styleSpec"/>; the output shows it from the next keyframe on.</summary>
    /// <returns>The name of the style now running.</returns>
    public async Task<string> SwitchAsync(string styleSpec)
    {
        var worker = _worker ?? throw new InvalidOperationException("the live run has not started");
        _loading = styleSpec;
        try
        {
            // A picture style while a picture style runs: only the vector changes (no model load).
            if (Styles.PictureStyleResolver.TryResolve(_options.Library, styleSpec, 1.0) is { } picture
                && worker.TryChangeVector(picture.Vector, picture.Name))
            {
                return picture.Name;
            }

            var next = await RunLowPriority(() => Load(styleSpec)).ConfigureAwait(false);
            worker.Replace(next);
            return next.Name;
        }
        finally
        {
            _loading = null;
        }
    }

    private static Task<T> RunLowPriority<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            ThreadNice.LowerCurrentThread(15);
            try
            {
                done.SetResult(work());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "live-style-load",
        };
        thread.Start();
        return done.Task;
    }
}
