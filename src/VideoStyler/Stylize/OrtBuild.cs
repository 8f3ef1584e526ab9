namespace VideoStyler.Stylize;

/// <summary>Which ONNX Runtime package this build was compiled against.</summary>
public static class OrtBuild
{
#if ORT_GPU
    public const bool IsGpuBuild = true;
#else
    public const bool IsGpuBuild = false;
#endif
}
