using System.Text.Json;

namespace VideoStyler.Quality;

/// <summary>Result of <see cref="StyleMeter.Measure"/> (definitions: <see cref="StyleComparison"/>).</summary>
internal sealed record StyleReport
{
    public required double ContentLoss { get; init; }

    /// <summary>Against the style image; null without one.</summary>
    public double? StyleLoss { get; init; }

    /// <summary>Null without a reference.</summary>
    public double? GramRetention { get; init; }

    /// <summary>Null without a reference.</summary>
    public double? ContentRatio { get; init; }

    /// <summary>Gram retention per layer (conv1, layer1..layer4); null without a reference.</summary>
    public IReadOnlyDictionary<string, double>? LayerGramRetention { get; init; }

    /// <summary>Frames measured.</summary>
    public required int FramesSampled { get; init; }

    /// <summary>Frames in the clips.</summary>
    public required int Frames { get; init; }

    /// <summary>The size the feature network saw (width x height).</summary>
    public required string FeatureSize { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, VideoStylerJson.Default.StyleReport);

    internal static IReadOnlyDictionary<string, double>? LayerTable(IReadOnlyList<double>? values) =>
        values is null ? null : FeatureNetwork.Layers.Select((l, i) => (l.Stage, values[i])).ToDictionary(p => p.Stage, p => p.Item2, StringComparer.Ordinal);
}
