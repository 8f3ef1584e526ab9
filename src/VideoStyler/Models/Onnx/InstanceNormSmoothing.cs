using VideoStyler.Models.Onnx.Proto;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// A style network rewritten by <see cref="InstanceNormSmoother"/>: <see cref="Model"/> normalises every
/// instance norm with statistics blended with the previous frame's, takes the previous statistics through
/// each layer's MeanInput/VarianceInput ([1, C, 1, 1]) and the blend weight through <see cref="KeepInput"/>
/// ([1]), and outputs the statistics it used through MeanOutput/VarianceOutput ([1, C, 1, 1]).
/// </summary>
internal sealed record InstanceNormSmoothing(ModelProto Model, IReadOnlyList<InstanceNormLayer> Layers, string KeepInput);
