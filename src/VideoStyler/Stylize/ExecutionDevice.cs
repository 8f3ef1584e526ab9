namespace VideoStyler.Stylize;

/// <summary>Which ONNX Runtime execution provider the user asked for (--device).</summary>
public enum ExecutionDevice
{
    /// <summary>CUDA when this build and machine have it, CPU otherwise (with a one-line notice).</summary>
    Auto,
    Cpu,
    Cuda,
    TensorRt,
}
