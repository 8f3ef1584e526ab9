using OpenCvSharp;
using VideoStyler.Frames;
using VideoStyler.Models;
using VideoStyler.Stylize.Arbitrary;

namespace VideoStyler.Stylize;

/// <summary>
/// Everything the stylize stage does to one frame: run the style (or a weighted mix of styles, each
/// with its own session), then apply the user's controls. Sessions and buffers are created once.
/// Frames whose processing size has a long side over maxTile are stylized in tiles (<see cref="TiledStylizer"/>).
/// </summary>
internal sealed class FrameStylizer : IDisposable
{
    private readonly List<(StyleSession Session, IStylizer Stylizer, float Weight)> _parts = [];
    private readonly Mat? _partOutput;
    private readonly Mat? _accumulator;
    private readonly Mat? _partFloat;
    private readonly ControlsApplier? _controls;
    // --strength < 1 on a style vector: the content's own vector is predicted at the first frame and again
    // at each scene cut of the input (a new scene has another palette and texture of its own).
    private ArbitraryStyle? _contentBlend;
    private Temporal.InputCutDetector? _contentCuts;
    private StylePredictor? _predictor;

    private FrameStylizer(int width, int height, StyleControls controls, bool mixing)
    {
        if (mixing)
        {
            _partOutput = new Mat(height, width, MatType.CV_8UC3);
            _accumulator = new Mat(height, width, MatType.CV_32FC3);
            _partFloat = new Mat(height, width, MatType.CV_32FC3);
        }

        _controls = controls.IsIdentity ? null : new ControlsApplier(controls, width, height);
    }

    public string Name { get; private set; } = "";

    public string ExecutionProvider => _parts[0].Session.ExecutionProvider;

    /// <summary>The network that runs (for picture styles, which Magenta transformer: see <see cref="MagentaModels.Transformer(bool)"/>); a mix's first.</summary>
    public string NetworkName => _parts[0].Session.Name;

    public string? Notice => _parts[0].Session.Notice;

    public IStylizer Primary => _parts[0].Stylizer;

    /// <summary>Lines for the user about how the styles run (e.g. a style that cannot smooth its statistics).</summary>
    public IReadOnlyList<string> Notices => _notices;

    private readonly List<string> _notices = [];

    /// <summary>
    /// True when each frame's output depends on that frame alone, on the CPU provider: no features carried
    /// along the flow, no smoothed statistics, no content vector re-predicted at scene cuts. Only then may
    /// several copies of this stylizer work on alternate frames (<c>Pipeline.StylizeWorkers</c>).
    /// </summary>
    public bool IsFrameIndependent =>
        _contentBlend is null
        && _parts.TrueForAll(p => p.Stylizer is OnnxStylizer or TiledStylizer && p.Session.ExecutionProvider == Providers.ExecutionProviders.Cpu);

    /// <summary>True when a part runs in tiles (frames whose processing size is over --max-tile).</summary>
    public bool IsTiled => _parts.Exists(p => p.Stylizer is TiledStylizer);

    /// <summary>
    /// Frames this stylizer works on at once, each on its own thread with <see cref="Process(Mat, Mat, long, int)"/>:
    /// the lanes of its feature stage (one style, no content vector re-predicted at cuts), else 1.
    /// </summary>
    public int Lanes => _parts.Count == 1 && _contentBlend is null && _parts[0].Stylizer is FeatureFlowStylizer features ? features.Lanes : 1;

    /// <summary>True when this runs a style vector with the shared Magenta transformer (its vector can be changed in place).</summary>
    public bool IsArbitrary { get; private set; }

    /// <summary>
    /// Runs another style vector from the next frame on, without loading anything (the transformer
    /// stays; only its vector input changes). Call it between two <see cref="Process(Mat, Mat)"/> calls, on the
    /// thread that calls them. False when this is not a style-vector stylizer.
    /// </summary>
    public bool TrySetStyleVector(float[] vector, string name)
    {
        if (!IsArbitrary || _parts.Count != 1 || _parts[0].Session.StyleVectorLength != vector.Length)
        {
            return false;
        }

        _contentBlend = null;
        _parts[0].Session.SetStyleVector(vector);
        Name = name;
        return true;
    }

    /// <summary>
    /// The stylizer for networks named by <paramref name="styleSpec"/>, or for <paramref name="arbitrary"/>.
    /// Picture styles named in <paramref name="styleSpec"/> are resolved a layer up, by
    /// <c>Styles.StylizerFactory.Create</c>, which then calls this with their vector.
    /// </summary>
    /// <param name="library">Where style names are looked up.</param>
    /// <param name="styleSpec">--style: a name, a path, a mix, or null for the default.</param>
    /// <param name="controls">--strength, --preserve-colors, --mask, --watermark.</param>
    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="processingSize">Processing size: the short side in pixels.</param>
    /// <param name="device">The ONNX Runtime execution provider asked for.</param>
    /// <param name="threads">ONNX Runtime intra-op threads; 0 = one per core.</param>
    /// <param name="stats">Where the stylize stages' times are counted, or null.</param>
    /// <param name="maxTile">Longest tile side in processing pixels (larger frames are tiled).</param>
    /// <param name="arbitrary">A style vector to run with the Magenta transformer instead of <paramref name="styleSpec"/>.</param>
    /// <param name="smoothStatistics">Smooth the instance norms' statistics over time (temporal mode stats; with <paramref name="carryFeatures"/>, the decoder's: stats+features).</param>
    /// <param name="carryFeatures">Carry the previous frame's features along the flow (temporal mode features).</param>
    /// <param name="quietFallback">Fall back to a plain stylizer without a notice (temporal mode auto).</param>
    /// <param name="featureKeep">Weight of the carried features, 0..1.</param>
    /// <param name="lanes">With <paramref name="carryFeatures"/>: frames the feature stage works on at once (see <see cref="Lanes"/>).</param>
    /// <param name="videoNetwork">Picture styles run the transformer fine-tuned for video stability (<see cref="MagentaModels.Transformer(bool)"/>) unless <paramref name="arbitrary"/> names its own.</param>
    public static FrameStylizer Create(
        StyleLibrary library, string? styleSpec, StyleControls controls, int width, int height, int processingSize,
        ExecutionDevice device, int threads, PipelineStats? stats, int maxTile = TiledStylizer.DefaultMaxTile, ArbitraryStyle? arbitrary = null,
        bool smoothStatistics = false, bool carryFeatures = false, bool quietFallback = false, float featureKeep = FeatureFlowStylizer.DefaultKeep,
        int lanes = 1, bool videoNetwork = false)
    {
        if (arbitrary is not null)
        {
            return CreateArbitrary(
                arbitrary, controls with { Strength = 1.0 }, width, height, processingSize, device, threads, stats, maxTile,
                smoothStatistics, carryFeatures, quietFallback, featureKeep, lanes, videoNetwork);
        }

        var mix = StyleMixSpec.Parse(styleSpec);
        var stylizer = new FrameStylizer(width, height, controls, mix.Count > 1);
        try
        {
            foreach (var (style, weight) in mix)
            {
                var session = StyleSession.Load(library.Resolve(style), device, threads);
                try
                {
                    if (session.StyleVectorInputName is not null)
                    {
                        throw new UserFacingException(
                            $"style '{session.Name}' is an arbitrary-style transformer: it needs a style vector, so give a picture with --style-image instead");
                    }

                    var tiled = TiledStylizer.IsNeeded(session.Convention, width, height, processingSize, maxTile);
                    string? reason = null;
                    IStylizer part = tiled
                        ? new TiledStylizer(session, width, height, processingSize, maxTile, stats)
                        : (carryFeatures ? FeatureFlowStylizer.TryCreate(session, width, height, processingSize, out reason, stats, featureKeep, lanes: lanes, statisticsKeep: StatisticsKeep(smoothStatistics)) : null)
                            ?? (smoothStatistics ? (IStylizer?)SmoothedNormStylizer.TryCreate(session, width, height, processingSize, stats) : null)
                            ?? new OnnxStylizer(session, width, height, processingSize, stats);
                    if (carryFeatures && !quietFallback && part is not FeatureFlowStylizer)
                    {
                        stylizer._notices.Add(tiled
                            ? $"style '{session.Name}' runs in tiles at this size: its features are not carried along the flow; the pixel stage applies"
                            : $"style '{session.Name}' has no bottleneck to carry along the flow ({reason}): the pixel stage applies");
                    }

                    if (smoothStatistics && part is FeatureFlowStylizer { SmoothsStatistics: false })
                    {
                        stylizer._notices.Add($"style '{session.Name}' has no instance norms after its bottleneck to smooth over time: only the features are carried");
                    }
                    else if (smoothStatistics && part is not SmoothedNormStylizer and not FeatureFlowStylizer)
                    {
                        stylizer._notices.Add(part is TiledStylizer
                            ? $"style '{session.Name}' runs in tiles at this size: its instance-norm statistics are not smoothed over time"
                            : $"style '{session.Name}' has no instance norms to smooth over time: only the pixel stage applies");
                    }

                    stylizer._parts.Add((session, part, weight));
                }
                catch
                {
                    session.Dispose();
                    throw;
                }
            }

            stylizer.Name = mix.Count == 1
                ? stylizer._parts[0].Session.Name
                : string.Join('+', stylizer._parts.Select(p => $"{p.Session.Name}:{p.Weight:0.##}"));
            return stylizer;
        }
        catch
        {
            stylizer.Dispose();
            throw;
        }
    }

    /// <summary>The feature stage's weight for carried decoder statistics when they are asked for (stats+features), else null.</summary>
    private static float? StatisticsKeep(bool smoothStatistics) => smoothStatistics ? SmoothedNormStylizer.DefaultKeep : null;

    private static FrameStylizer CreateArbitrary(
        ArbitraryStyle arbitrary, StyleControls controls, int width, int height, int processingSize,
        ExecutionDevice device, int threads, PipelineStats? stats, int maxTile,
        bool smoothStatistics, bool carryFeatures, bool quietFallback, float featureKeep, int lanes, bool videoNetwork)
    {
        var stylizer = new FrameStylizer(width, height, controls, mixing: false);
        try
        {
            var session = StyleSession.Load(arbitrary.Transformer ?? MagentaModels.Transformer(videoNetwork), device, threads);
            try
            {
                if (session.StyleVectorLength != arbitrary.Vector.Length)
                {
                    throw new UserFacingException(
                        $"style '{arbitrary.Name}' has {arbitrary.Vector.Length} numbers; the transformer '{session.Name}' takes {session.StyleVectorLength}");
                }

                session.SetStyleVector(arbitrary.Vector);
                var tiled = TiledStylizer.IsNeeded(session.Convention, width, height, processingSize, maxTile);
                string? reason = null;
                IStylizer part = tiled
                    ? new TiledStylizer(session, width, height, processingSize, maxTile, stats)
                    : (carryFeatures ? (IStylizer?)FeatureFlowStylizer.TryCreate(session, width, height, processingSize, out reason, stats, featureKeep, lanes: lanes, statisticsKeep: StatisticsKeep(smoothStatistics)) : null)
                        ?? new OnnxStylizer(session, width, height, processingSize, stats);
                if (carryFeatures && !quietFallback && part is not FeatureFlowStylizer)
                {
                    stylizer._notices.Add(tiled
                        ? $"style '{arbitrary.Name}' runs in tiles at this size: its features are not carried along the flow; the pixel stage applies"
                        : $"style '{arbitrary.Name}' has no bottleneck to carry along the flow ({reason}): the pixel stage applies");
                }

                if (smoothStatistics && part is FeatureFlowStylizer { SmoothsStatistics: false })
                {
                    stylizer._notices.Add($"style '{arbitrary.Name}' is a picture style: its instance-norm statistics are not smoothed over time; only the features are carried");
                }
                else if (smoothStatistics && part is not FeatureFlowStylizer)
                {
                    stylizer._notices.Add($"style '{arbitrary.Name}' is a picture style: its instance-norm statistics are not smoothed over time; only the pixel stage applies");
                }

                stylizer._parts.Add((session, part, 1f));
            }
            catch
            {
                session.Dispose();
                throw;
            }

            if (arbitrary.Strength < 1.0)
            {
                stylizer._contentBlend = arbitrary;
                stylizer._contentCuts = new Temporal.InputCutDetector(width, height, new Temporal.TemporalOptions());
            }

            stylizer.IsArbitrary = true;
            stylizer.Name = arbitrary.Strength < 1.0 ? $"{arbitrary.Name}@{arbitrary.Strength:0.##}" : arbitrary.Name;
            return stylizer;
        }
        catch
        {
            stylizer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// For a style vector with strength below 1: the content's own style vector, predicted from this
    /// frame (the first, or the first of a new scene), interpolated with the style's (Magenta's way of
    /// setting the strength).
    /// </summary>
    private void BlendWithContent(Mat source, ArbitraryStyle style)
    {
        _predictor ??= StylePredictor.Load();
        var content = _predictor.Predict(source);
        _parts[0].Session.SetStyleVector(StyleVectors.Interpolate(content, style.Vector, style.Strength));
    }

    /// <summary>Stylizes <paramref name="source"/> into <paramref name="destination"/> (both BGR 8UC3, frame size).</summary>
    public void Process(Mat source, Mat destination)
    {
        // The cut test runs on quarter-size luminance (a few ms) and only when a strength below 1 asks for it.
        if (_contentBlend is { } blend && _contentCuts!.IsCut(source))
        {
            BlendWithContent(source, blend);
        }

        if (_parts.Count == 1)
        {
            _parts[0].Stylizer.Process(source, destination);
        }
        else
        {
            _accumulator!.SetTo(Scalar.All(0));
            foreach (var (_, stylizer, weight) in _parts)
            {
                stylizer.Process(source, _partOutput!);
                _partOutput!.ConvertTo(_partFloat!, MatType.CV_32FC3);
                Cv2.ScaleAdd(_partFloat!, weight, _accumulator, _accumulator);
            }

            _accumulator.ConvertTo(destination, MatType.CV_8UC3);
        }
    }

    /// <summary>
    /// Stylizes frame number <paramref name="sequence"/> on lane <paramref name="lane"/> (of <see cref="Lanes"/>); with one
    /// lane, the same as <see cref="Process(Mat, Mat)"/>.
    /// </summary>
    public void Process(Mat source, Mat destination, long sequence, int lane)
    {
        if (Lanes == 1)
        {
            Process(source, destination);
        }
        else
        {
            ((FeatureFlowStylizer)_parts[0].Stylizer).Process(source, destination, sequence, lane);
        }
    }

    /// <summary>Ends the lanes' waits for their turn: the run is being torn down.</summary>
    public void Abort()
    {
        foreach (var (_, stylizer, _) in _parts)
        {
            (stylizer as FeatureFlowStylizer)?.Abort();
        }
    }

    /// <summary>Applies --strength, --preserve-colors, --mask and --watermark to a finished frame.</summary>
    public void ApplyControls(Mat source, Mat styled) => _controls?.Apply(source, styled);

    public void Dispose()
    {
        foreach (var (session, stylizer, _) in _parts)
        {
            stylizer.Dispose();
            session.Dispose();
        }

        _contentCuts?.Dispose();
        _predictor?.Dispose();
        _partOutput?.Dispose();
        _accumulator?.Dispose();
        _partFloat?.Dispose();
        _controls?.Dispose();
    }
}
