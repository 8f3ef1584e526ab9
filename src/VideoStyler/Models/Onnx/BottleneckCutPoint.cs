namespace VideoStyler.Models.Onnx;

/// <summary>
/// A place a network can be cut in two (<see cref="BottleneckSplitter.CutPoints"/>): after the node at
/// <paramref name="NodeIndex"/> (graph order), the single picture-dependent tensor <paramref name="Tensor"/> carries
/// everything the rest needs; <paramref name="UpsamplingBefore"/> upsampling ops come before it.
/// </summary>
internal sealed record BottleneckCutPoint(int NodeIndex, string Tensor, int UpsamplingBefore);
