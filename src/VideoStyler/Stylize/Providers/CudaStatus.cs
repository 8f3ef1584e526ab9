namespace VideoStyler.Stylize.Providers;

/// <summary>Whether CUDA can be used by this process, why not, what was found and what was preloaded.</summary>
/// <param name="Usable">True when the driver starts, sees a GPU, supports CUDA 13 and every required library loaded.</param>
/// <param name="Reason">Why not, in one line (every problem found, separated by "; "), or null.</param>
/// <param name="Scan">The libraries found and the folders searched.</param>
/// <param name="Driver">What the driver said, or null when there is none.</param>
/// <param name="Loaded">The libraries preloaded, in load order.</param>
internal sealed record CudaStatus(bool Usable, string? Reason, CudaLibraryScan Scan, CudaDriver? Driver, IReadOnlyList<string> Loaded);
