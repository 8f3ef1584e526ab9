namespace VideoStyler.Stylize;

/// <summary>How a stylizer's input and output tensors meet ONNX Runtime (<see cref="StylizerTensors"/>).</summary>
internal enum TensorBindingMode
{
    /// <summary>
    /// The CPU provider: pinned managed arrays bound once; ONNX Runtime reads and writes our memory
    /// directly, so rewriting the input array in place is seen by the next run.
    /// </summary>
    ZeroCopy,

    /// <summary>
    /// Device providers (CUDA, TensorRT): ONNX Runtime copies a bound host input to the device when it
    /// is bound, so later writes to that memory are not seen. Frames alternate between two staging
    /// input buffers (CUDA-pinned host memory on CUDA) and the one just filled is bound again before
    /// every run; the output lands in host memory of the same kind, bound once (ONNX Runtime copies
    /// the result into it at the end of every run).
    /// </summary>
    Rebind,
}
