namespace VideoStyler.Stylize.Providers;

/// <summary>
/// Where <see cref="CudaLibraryProbe"/> looks: the environment variables it reads and the root the
/// fixed system folders (/usr/local/cuda*, /usr/lib/x86_64-linux-gnu, ...) are taken under ("/" for
/// the real machine, a temporary folder for tests).
/// </summary>
internal sealed record CudaSearchEnvironment(
    string Root, string? LdLibraryPath, string? VirtualEnv, string? CondaPrefix, string? Home, string? SearchPath)
{
    public static CudaSearchEnvironment Current() => new(
        "/",
        Environment.GetEnvironmentVariable("LD_LIBRARY_PATH"),
        Environment.GetEnvironmentVariable("VIRTUAL_ENV"),
        Environment.GetEnvironmentVariable("CONDA_PREFIX"),
        Environment.GetEnvironmentVariable("HOME"),
        Environment.GetEnvironmentVariable("PATH"));

    /// <summary>A fixed system path (starting with '/') under <see cref="Root"/>.</summary>
    public string UnderRoot(string absolute) => Root == "/" ? absolute : Path.Join(Root, absolute);
}
