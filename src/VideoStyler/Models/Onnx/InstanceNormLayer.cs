namespace VideoStyler.Models.Onnx;

/// <summary>
/// One InstanceNormalization of a style network, taken apart by <see cref="InstanceNormSplitter"/>:
/// its channel count and epsilon, the names under which the statistics model outputs the channel
/// means and variances of its input ([1, C, 1, 1]), and the names of the inputs through which the
/// normalized model takes the means and variances to use instead ([C]).
/// </summary>
internal sealed record InstanceNormLayer(
    int Channels,
    float Epsilon,
    string MeanOutput,
    string VarianceOutput,
    string MeanInput,
    string VarianceInput);
