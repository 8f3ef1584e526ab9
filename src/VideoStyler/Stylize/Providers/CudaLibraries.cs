namespace VideoStyler.Stylize.Providers;

/// <summary>
/// The libraries ONNX Runtime 1.31's CUDA provider (a CUDA 13 build) needs, in the order they are
/// preloaded (each after the ones it links against). Its libonnxruntime_providers_cuda.so links
/// libcublasLt.so.13, libcublas.so.13, libcurand.so.10, libcudart.so.13 and the driver's libcuda.so.1;
/// it opens cuDNN 9 (convolutions) and cuFFT 12 (FFT operators) at run time, and cuDNN opens its
/// sub-libraries by name when it needs them.
/// </summary>
internal static class CudaLibraries
{
    public static readonly CudaLibrary Driver = new("libcuda.so.1", "NVIDIA driver", Required: true);

    public static readonly IReadOnlyList<CudaLibrary> All =
    [
        Driver,
        new("libcudart.so.13", "CUDA 13 runtime", Required: true),
        new("libcublasLt.so.13", "cuBLASLt 13", Required: true),
        new("libcublas.so.13", "cuBLAS 13", Required: true),
        new("libcurand.so.10", "cuRAND 10", Required: true),
        new("libnvJitLink.so.13", "nvJitLink 13 (used by cuFFT)", Required: false),
        new("libcufft.so.12", "cuFFT 12 (FFT operators only)", Required: false),
        new("libnvrtc.so.13", "NVRTC 13 (cuDNN's runtime-compiled engines)", Required: false),
        new("libcudnn_graph.so.9", "cuDNN 9 graph", Required: true),
        new("libcudnn_engines_precompiled.so.9", "cuDNN 9 precompiled engines", Required: true),
        new("libcudnn_engines_runtime_compiled.so.9", "cuDNN 9 runtime-compiled engines", Required: false),
        new("libcudnn_heuristic.so.9", "cuDNN 9 heuristics", Required: false),
        new("libcudnn_ops.so.9", "cuDNN 9 operators", Required: true),
        new("libcudnn_cnn.so.9", "cuDNN 9 convolutions", Required: true),
        new("libcudnn_adv.so.9", "cuDNN 9 advanced operators", Required: false),
        new("libcudnn.so.9", "cuDNN 9", Required: true),
    ];

    /// <summary>TensorRT 10, which the TensorRT provider links on top of the CUDA libraries.</summary>
    public static readonly IReadOnlyList<CudaLibrary> TensorRt =
    [
        new("libnvinfer.so.10", "TensorRT 10", Required: true),
        new("libnvonnxparser.so.10", "TensorRT 10 ONNX parser", Required: true),
    ];
}
