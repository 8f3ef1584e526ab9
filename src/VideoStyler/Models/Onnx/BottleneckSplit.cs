using VideoStyler.Models.Onnx.Proto;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// A style network cut at its bottleneck (<see cref="BottleneckSplitter"/>): <see cref="Encoder"/> maps the
/// picture to the features named <see cref="Features"/>, <see cref="Decoder"/> maps those features to the
/// picture; one after the other they compute what the whole network does.
/// </summary>
internal sealed record BottleneckSplit(ModelProto Encoder, ModelProto Decoder, string Features, string CutAfter);
