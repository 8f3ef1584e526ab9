namespace VideoStyler.Stylize;

/// <summary>Which ONNX Runtime execution provider the user asked for (--device).</summary>
public enum ExecutionDevice
{
    /// <summary>CUDA when this build and machine have it, CPU otherwise (with a one-line notice).</summary>
    Auto,
    /// <summary>The CPU provider.</summary>
    Cpu,

    /// <summary>The CUDA provider (an error when this build or machine lacks it).</summary>
    Cuda,

    /// <summary>The TensorRT provider (an error when this build or machine lacks it).</summary>
    TensorRt,
}
