using OpenCvSharp;
using VideoStyler.Models;
using VideoStyler.Pipeline;

namespace VideoStyler.Stylize;

/// <summary>
/// Everything the stylize stage does to one frame: run the style (or a weighted mix of styles, each
/// with its own session), then apply the user's controls. Sessions and buffers are created once.
/// Frames whose processing size has a long side over maxTile are stylized in tiles (<see cref="TiledStylizer"/>).
/// </summary>
public sealed class FrameStylizer : IDisposable
{
    private readonly List<(StyleSession Session, IStylizer Stylizer, float Weight)> _parts = [];
    private readonly Mat? _partOutput;
    private readonly Mat? _accumulator;
    private readonly Mat? _partFloat;
    private readonly ControlsApplier? _controls;

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

    public string? Notice => _parts[0].Session.Notice;

    public IStylizer Primary => _parts[0].Stylizer;

    /// <summary>Lines for the user about how the styles run (e.g. a style that cannot smooth its statistics).</summary>
    public IReadOnlyList<string> Notices => _notices;

    private readonly List<string> _notices = [];

    public static FrameStylizer Create(
        StyleLibrary library, string? styleSpec, StyleControls controls, int width, int height, int processingSize,
        ExecutionDevice device, int threads, PipelineStats? stats, int maxTile = StylizeOptions.DefaultMaxTile, bool smoothStatistics = false, bool carryFeatures = false, bool quietFallback = false,
        float featureKeep = FeatureFlowStylizer.DefaultKeep)
    {
        var mix = StyleMixSpec.Parse(styleSpec);
        var stylizer = new FrameStylizer(width, height, controls, mix.Count > 1);
        try
        {
            foreach (var (style, weight) in mix)
            {
                var session = StyleSession.Load(library.Resolve(style), device, threads);
                try
                {
                    var tiled = TiledStylizer.IsNeeded(session.Convention, width, height, processingSize, maxTile);
                    string? reason = null;
                    IStylizer part = tiled
                        ? new TiledStylizer(session, width, height, processingSize, maxTile, stats)
                        : (carryFeatures ? FeatureFlowStylizer.TryCreate(session, width, height, processingSize, out reason, stats, featureKeep) : null)
                            ?? (smoothStatistics ? (IStylizer?)SmoothedNormStylizer.TryCreate(session, width, height, processingSize, stats) : null)
                            ?? new OnnxStylizer(session, width, height, processingSize, stats);
                    if (carryFeatures && !quietFallback && part is not FeatureFlowStylizer)
                    {
                        stylizer._notices.Add(tiled
                            ? $"style '{session.Name}' runs in tiles at this size: its features are not carried along the flow; the pixel stage applies"
                            : $"style '{session.Name}' has no bottleneck to carry along the flow ({reason}): the pixel stage applies");
                    }

                    if (smoothStatistics && part is not SmoothedNormStylizer)
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

    /// <summary>Stylizes <paramref name="source"/> into <paramref name="destination"/> (both BGR 8UC3, frame size).</summary>
    public void Process(Mat source, Mat destination)
    {
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

    /// <summary>Applies --strength, --preserve-colors, --mask and --watermark to a finished frame.</summary>
    public void ApplyControls(Mat source, Mat styled) => _controls?.Apply(source, styled);

    public void Dispose()
    {
        foreach (var (session, stylizer, _) in _parts)
        {
            stylizer.Dispose();
            session.Dispose();
        }

        _partOutput?.Dispose();
        _accumulator?.Dispose();
        _partFloat?.Dispose();
        _controls?.Dispose();
    }
}
