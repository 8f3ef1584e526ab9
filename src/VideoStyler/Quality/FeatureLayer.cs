namespace VideoStyler.Quality;

/// <summary>
/// One activation of the feature network that the style and content measures read: its name in the graph,
/// the ResNet stage it ends, its channel count and its stride (how many input pixels one position covers).
/// </summary>
internal sealed record FeatureLayer(string Name, string Stage, int Channels, int Stride);
