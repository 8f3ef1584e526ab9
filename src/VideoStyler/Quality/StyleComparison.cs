using OpenCvSharp;

namespace VideoStyler.Quality;

/// <summary>
/// Running content and style measures of an output against its input, optionally against the per-frame
/// reference R (the same clip stylized without any temporal stage) and a style image S. Per frame, with
/// F_l and G_l the features and Gram matrices of <see cref="FeatureNetwork"/>:
/// <list type="bullet">
/// <item>content loss: ||F(O) - F(I)||^2 / (C H W) at the content layer (layer2), averaged over frames;</item>
/// <item>style loss: sum over the five layers of ||G_l(O) - G_l(S)||^2, averaged over frames;</item>
/// <item>gram retention: 1 - sum ||G_l(O) - G_l(R)||^2 / sum ||G_l(I) - G_l(R)||^2, sums over layers and
/// frames: the share of the texture statistics the stylization added that the output keeps (1 = all,
/// 0 = no closer to R than the input itself);</item>
/// <item>content ratio: sum ||F(O) - F(I)||^2 / sum ||F(R) - F(I)||^2 at the content layer: how far the output
/// strays from the input's content relative to the per-frame stylization (below 1 = closer to the input).</item>
/// </list>
/// </summary>
internal sealed class StyleComparison : IDisposable
{
    private readonly FeatureNetwork _network;
    private readonly FeatureSet? _style;
    private readonly double[] _outputToReference = new double[FeatureNetwork.Layers.Count];
    private readonly double[] _inputToReference = new double[FeatureNetwork.Layers.Count];
    private double _contentLoss;
    private double _styleLoss;
    private double _contentOutput;
    private double _contentReference;
    private bool _hasReference;

    /// <param name="network">The feature network (not owned).</param>
    /// <param name="styleImage">The style image (BGR), or null.</param>
    public StyleComparison(FeatureNetwork network, Mat? styleImage)
    {
        _network = network;
        _style = styleImage is null ? null : network.Extract(styleImage);
    }

    /// <summary>Frames compared so far.</summary>
    public int Frames { get; private set; }

    public double ContentLoss => Frames == 0 ? 0 : _contentLoss / Frames;

    public double? StyleLoss => _style is null ? null : Frames == 0 ? 0 : _styleLoss / Frames;

    public double? GramRetention => _hasReference ? Retention(_outputToReference.Sum(), _inputToReference.Sum()) : null;

    /// <summary>The gram retention of each layer on its own.</summary>
    public IReadOnlyList<double>? LayerGramRetention =>
        _hasReference ? [.. _outputToReference.Select((o, i) => Retention(o, _inputToReference[i]))] : null;

    public double? ContentRatio => _hasReference ? (_contentReference == 0 ? (_contentOutput == 0 ? 1 : double.PositiveInfinity) : _contentOutput / _contentReference) : null;

    /// <summary>Adds one frame (BGR 8UC3, all the same size); <paramref name="reference"/> null when there is none.</summary>
    public void Add(Mat input, Mat output, Mat? reference)
    {
        using var inputFeatures = _network.Extract(input);
        using var outputFeatures = _network.Extract(output);
        var content = FeatureNetwork.ContentLayer;
        var outputContent = FeatureSet.FeatureDistance(outputFeatures, inputFeatures, content);
        _contentLoss += outputContent;
        if (_style is not null)
        {
            for (var layer = 0; layer < outputFeatures.LayerCount; layer++)
            {
                _styleLoss += FeatureSet.GramDistance(outputFeatures, _style, layer);
            }
        }

        if (reference is not null)
        {
            using var referenceFeatures = _network.Extract(reference);
            _hasReference = true;
            _contentOutput += outputContent;
            _contentReference += FeatureSet.FeatureDistance(referenceFeatures, inputFeatures, content);
            for (var layer = 0; layer < outputFeatures.LayerCount; layer++)
            {
                _outputToReference[layer] += FeatureSet.GramDistance(outputFeatures, referenceFeatures, layer);
                _inputToReference[layer] += FeatureSet.GramDistance(inputFeatures, referenceFeatures, layer);
            }
        }

        Frames++;
    }

    public void Dispose() => _style?.Dispose();

    private static double Retention(double outputToReference, double inputToReference) =>
        inputToReference == 0 ? (outputToReference == 0 ? 1 : double.NegativeInfinity) : 1 - outputToReference / inputToReference;
}
