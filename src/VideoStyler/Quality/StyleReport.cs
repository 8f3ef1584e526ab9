using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoStyler.Quality;

/// <summary>Result of <see cref="StyleMeter.Measure"/> (definitions: <see cref="StyleComparison"/>).</summary>
internal sealed record StyleReport
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    [JsonPropertyName("content_loss")]
    public required double ContentLoss { get; init; }

    /// <summary>Against the style image; null without one.</summary>
    [JsonPropertyName("style_loss")]
    public double? StyleLoss { get; init; }

    /// <summary>Null without a reference.</summary>
    [JsonPropertyName("gram_retention")]
    public double? GramRetention { get; init; }

    /// <summary>Null without a reference.</summary>
    [JsonPropertyName("content_ratio")]
    public double? ContentRatio { get; init; }

    /// <summary>Gram retention per layer (conv1, layer1..layer4); null without a reference.</summary>
    [JsonPropertyName("layer_gram_retention")]
    public IReadOnlyDictionary<string, double>? LayerGramRetention { get; init; }

    /// <summary>Frames measured.</summary>
    [JsonPropertyName("frames_sampled")]
    public required int FramesSampled { get; init; }

    /// <summary>Frames in the clips.</summary>
    [JsonPropertyName("frames")]
    public required int Frames { get; init; }

    /// <summary>The size the feature network saw (width x height).</summary>
    [JsonPropertyName("feature_size")]
    public required string FeatureSize { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, s_indented);

    internal static IReadOnlyDictionary<string, double>? LayerTable(IReadOnlyList<double>? values) =>
        values is null ? null : FeatureNetwork.Layers.Select((l, i) => (l.Stage, values[i])).ToDictionary(p => p.Stage, p => p.Item2, StringComparer.Ordinal);
}
