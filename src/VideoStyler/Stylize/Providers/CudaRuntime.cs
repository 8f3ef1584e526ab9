using System.Runtime.InteropServices;

namespace VideoStyler.Stylize.Providers;

/// <summary>
/// Makes CUDA usable for ONNX Runtime without LD_LIBRARY_PATH: finds the libraries
/// (<see cref="CudaLibraryProbe"/>), asks the driver what it supports (<see cref="CudaDriver"/>) and
/// preloads every library found with <see cref="NativeLibrary"/> (by full path, dependencies first), so
/// that when ONNX Runtime opens its CUDA provider the loader finds each soname already loaded. Done
/// once per process; <see cref="Status"/> says whether CUDA is usable and, if not, exactly why.
/// </summary>
internal static class CudaRuntime
{
    private static readonly Lazy<CudaStatus> Probed = new(() => Probe(CudaSearchEnvironment.Current()));

    /// <summary>The CUDA status of this process (probed and preloaded on first use).</summary>
    public static CudaStatus Status => Probed.Value;

    /// <summary>Where ONNX Runtime's native libraries are: beside the tool (a publish) or under runtimes/linux-x64/native.</summary>
    public static string? OrtNativeFolder()
    {
        var baseDir = AppContext.BaseDirectory;
        return new[] { baseDir, Path.Join(baseDir, "runtimes", "linux-x64", "native") }
            .FirstOrDefault(d => File.Exists(Path.Join(d, "libonnxruntime.so")));
    }

    private static CudaStatus Probe(CudaSearchEnvironment environment)
    {
        var scan = CudaLibraryProbe.Find(environment, [.. CudaLibraries.All, .. CudaLibraries.TensorRt]);
        if (!OrtBuild.IsGpuBuild)
        {
            return new CudaStatus(false, "this build carries the CPU-only ONNX Runtime (built with -p:OnnxRuntimeFlavor=cpu)", scan, null, []);
        }

        var native = OrtNativeFolder();
        if (native is null || !File.Exists(Path.Join(native, "libonnxruntime_providers_cuda.so")))
        {
            return new CudaStatus(false, $"libonnxruntime_providers_cuda.so is missing beside libonnxruntime.so ({native ?? AppContext.BaseDirectory})", scan, null, []);
        }

        var problems = new List<string>();
        var loaded = new List<string>();
        CudaDriver? driver = null;

        // The driver: where the probe found it, else wherever the system loader finds it (ld.so.cache).
        var driverPath = scan.PathOf(CudaLibraries.Driver.FileName);
        if ((driverPath is not null && NativeLibrary.TryLoad(driverPath, out var driverHandle))
            || NativeLibrary.TryLoad(CudaLibraries.Driver.FileName, out driverHandle))
        {
            loaded.Add(driverPath ?? CudaLibraries.Driver.FileName);
            driver = CudaDriver.Query(driverHandle);
            if (driver.Error is not null)
            {
                problems.Add(driver.Error);
            }
            else if (driver.CudaVersion < CudaDriver.RequiredVersion)
            {
                problems.Add($"the NVIDIA driver supports CUDA {driver.VersionText}; this ONNX Runtime is a CUDA 13 build (driver 580 or newer)");
            }
        }
        else
        {
            problems.Add("no NVIDIA driver (libcuda.so.1 not found)");
        }

        var missing = scan.MissingRequired.Where(l => !l.IsDriver && CudaLibraries.All.Contains(l)).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"not found: {string.Join(", ", missing.Select(l => l.FileName))} (searched {scan.Folders.Count} folders: LD_LIBRARY_PATH, nvidia-* pip wheels, conda, CUDA toolkits, system)");
        }

        if (problems.Count == 0)
        {
            problems.AddRange(Preload([.. scan.Libraries.Where(l => !l.Library.IsDriver && l.Path is not null)], loaded));
        }

        return new CudaStatus(problems.Count == 0, problems.Count == 0 ? null : string.Join("; ", problems), scan, driver, loaded);
    }

    /// <summary>
    /// Loads the libraries found, in order; one whose own dependencies are not loaded yet is tried again
    /// after the others (a few passes), so the order only has to be roughly right. Returns the problems
    /// with required libraries (optional ones that fail are left to whoever needs them).
    /// </summary>
    private static List<string> Preload(IReadOnlyList<(CudaLibrary Library, string? Path)> libraries, List<string> loaded)
    {
        var pending = libraries.ToList();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var pass = 0; pass < 4 && pending.Count > 0; pass++)
        {
            var progress = false;
            foreach (var entry in pending.ToList())
            {
                try
                {
                    NativeLibrary.Load(entry.Path!);
                    loaded.Add(entry.Path!);
                    pending.Remove(entry);
                    progress = true;
                }
                catch (DllNotFoundException ex)
                {
                    errors[entry.Library.FileName] = ex.Message;
                }
            }

            if (!progress)
            {
                break;
            }
        }

        return [.. pending.Where(p => p.Library.Required).Select(p => $"{p.Path} could not be loaded: {FirstLine(errors.GetValueOrDefault(p.Library.FileName, "?"))}")];
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? text;
}
