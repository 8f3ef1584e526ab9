namespace VideoStyler.Stylize.Providers;

/// <summary>One shared library the CUDA provider needs, by its exact file name (the soname the loader asks for).</summary>
/// <param name="FileName">E.g. "libcudart.so.13".</param>
/// <param name="Role">What it is, for the user ("CUDA 13 runtime").</param>
/// <param name="Required">False for libraries only some operators load (cuFFT) or that cuDNN loads when it needs them.</param>
internal sealed record CudaLibrary(string FileName, string Role, bool Required)
{
    /// <summary>The NVIDIA driver's library: comes with the driver, never with a toolkit or wheel.</summary>
    public bool IsDriver => FileName == CudaLibraries.Driver.FileName;
}
