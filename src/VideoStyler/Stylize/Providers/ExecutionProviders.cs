namespace VideoStyler.Stylize.Providers;

/// <summary>
/// The execution providers this build can use, whether each is usable here, and the choice for a
/// --device value: auto takes the first usable one (CUDA, then CPU) and says which in one line; an
/// explicit cuda or tensorrt that is not usable is an error, never a silent CPU run.
/// </summary>
internal static class ExecutionProviders
{
    public const string Cpu = "CPUExecutionProvider";
    public const string Cuda = "CUDAExecutionProvider";
    public const string TensorRt = "TensorrtExecutionProvider";

    /// <summary>Every provider, in auto's order of preference (TensorRT is never picked by auto: its engines take minutes to build).</summary>
    public static IReadOnlyList<ProviderStatus> Probe() => Probe(CudaRuntime.Status);

    public static IReadOnlyList<ProviderStatus> Probe(CudaStatus cuda)
    {
        var cudaDetail = cuda.Usable
            ? $"{cuda.Driver?.DeviceName ?? "GPU 0"}, driver CUDA {cuda.Driver?.VersionText}"
            : cuda.Reason ?? "not usable";
        var missingTrt = CudaLibraries.TensorRt.Where(l => cuda.Scan.PathOf(l.FileName) is null).Select(l => l.FileName).ToList();
        var trt = !cuda.Usable
            ? new ProviderStatus(ExecutionDevice.TensorRt, TensorRt, false, "needs CUDA, which is not usable")
            : missingTrt.Count > 0
                ? new ProviderStatus(ExecutionDevice.TensorRt, TensorRt, false, $"not found: {string.Join(", ", missingTrt)} (TensorRT 10)")
                : new ProviderStatus(ExecutionDevice.TensorRt, TensorRt, true, cudaDetail);
        return
        [
            new ProviderStatus(ExecutionDevice.Cuda, Cuda, cuda.Usable, cudaDetail),
            trt,
            new ProviderStatus(ExecutionDevice.Cpu, Cpu, true, $"{Environment.ProcessorCount} cores"),
        ];
    }

    /// <summary>The provider for <paramref name="requested"/> on this machine (the CPU needs no probing).</summary>
    public static ProviderChoice Choose(ExecutionDevice requested) =>
        requested == ExecutionDevice.Cpu ? new ProviderChoice(ExecutionDevice.Cpu, Cpu, null) : Choose(requested, Probe());

    /// <summary>
    /// The provider for <paramref name="requested"/> given <paramref name="providers"/> (from <see cref="Probe()"/>).
    /// Throws <see cref="UserFacingException"/> (exit 1) when an explicitly requested device is not usable.
    /// </summary>
    public static ProviderChoice Choose(ExecutionDevice requested, IReadOnlyList<ProviderStatus> providers)
    {
        ProviderStatus Get(ExecutionDevice device) => providers.First(p => p.Device == device);
        switch (requested)
        {
            case ExecutionDevice.Cpu:
                return new ProviderChoice(ExecutionDevice.Cpu, Cpu, null);
            case ExecutionDevice.Cuda or ExecutionDevice.TensorRt:
                var asked = Get(requested);
                if (!asked.Usable)
                {
                    throw new UserFacingException(
                        $"--device {(requested == ExecutionDevice.Cuda ? "cuda" : "tensorrt")}: {asked.Name} is not usable here: {asked.Detail} (see `videostyler devices`)");
                }

                return new ProviderChoice(requested, asked.Name, null);
            default:
                var cuda = Get(ExecutionDevice.Cuda);
                return cuda.Usable
                    ? new ProviderChoice(ExecutionDevice.Cuda, Cuda, $"running on CUDA ({cuda.Detail})")
                    : new ProviderChoice(ExecutionDevice.Cpu, Cpu, $"CUDA not available ({cuda.Detail}); running on CPU");
        }
    }
}
