using VideoStyler.Models.Onnx.Proto;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// A style network split for tiling (<see cref="InstanceNormSplitter"/>): <see cref="StatisticsModel"/>
/// outputs the channel means and variances every InstanceNormalization sees on a picture, and
/// <see cref="NormalizedModel"/> is the network normalising with means and variances given as inputs,
/// so tiles can share one set of statistics.
/// </summary>
internal sealed record InstanceNormSplit(ModelProto StatisticsModel, ModelProto NormalizedModel, IReadOnlyList<InstanceNormLayer> Layers);
