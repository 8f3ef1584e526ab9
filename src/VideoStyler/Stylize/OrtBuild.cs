namespace VideoStyler.Stylize;

/// <summary>Which ONNX Runtime package this build was compiled against (OnnxRuntimeFlavor in Directory.Build.props).</summary>
internal static class OrtBuild
{
#if ORT_GPU
    /// <summary>"gpu" (Microsoft.ML.OnnxRuntime.Gpu.Linux) or "cpu" (Microsoft.ML.OnnxRuntime).</summary>
    public const string Flavor = "gpu";

    /// <summary>The NuGet package whose natives the build carries.</summary>
    public const string NativePackage = "Microsoft.ML.OnnxRuntime.Gpu.Linux";
#else
    /// <summary>"gpu" (Microsoft.ML.OnnxRuntime.Gpu.Linux) or "cpu" (Microsoft.ML.OnnxRuntime).</summary>
    public const string Flavor = "cpu";

    /// <summary>The NuGet package whose natives the build carries.</summary>
    public const string NativePackage = "Microsoft.ML.OnnxRuntime";
#endif

    /// <summary>True for the default build, whose ONNX Runtime has the CUDA (and TensorRT) providers.</summary>
    public static bool IsGpuBuild { get; } = Flavor == "gpu";
}
