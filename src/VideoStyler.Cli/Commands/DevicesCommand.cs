using System.CommandLine;
using System.Text.Json;
using VideoStyler.Cli.Reports;
using Microsoft.ML.OnnxRuntime;
using VideoStyler.Cli.Parsing;
using VideoStyler.Stylize;
using VideoStyler.Stylize.Providers;

namespace VideoStyler.Cli.Commands;

/// <summary>
/// `videostyler devices`: each execution provider with "usable" or the exact reason it is not (which
/// library is missing, which driver), plus where every CUDA library was found and the folders searched.
/// </summary>
internal static class DevicesCommand
{
    /// <summary>The devices verb.</summary>
    internal static Command Create()
    {
        var json = CliOptions.Flag("--json", "print one JSON object instead of text");
        var command = HelpDetails.Command("devices", "list execution providers (CPU, CUDA): usable, or why not", """
            Lists ONNX Runtime's execution providers in the order --device auto tries them, each "usable"
            or the reason it is not, then the CUDA libraries (found path or "not found") and the folders
            searched: LD_LIBRARY_PATH, the nvidia-* pip wheels of the Pythons here (venv, conda, ~/.local,
            /usr/local/lib/python3*), the CUDA toolkits (/usr/local/cuda*) and the system library folders.
            Nothing needs LD_LIBRARY_PATH: the libraries found are preloaded before the CUDA provider starts.
            """,
            json);
        command.SetAction(parse => Run(parse.GetValue(json)));
        return command;
    }

    private static int Run(bool asJson)
    {
        var cuda = CudaRuntime.Status;
        var providers = ExecutionProviders.Probe(cuda);
        var version = OrtEnv.Instance().GetVersionString();
        if (asJson)
        {
            var report = new DevicesReport
            {
                Onnxruntime = version,
                Flavor = OrtBuild.Flavor,
                Package = OrtBuild.NativePackage,
                Natives = CudaRuntime.OrtNativeFolder(),
                Providers = [.. providers.Select(p => new ProviderReport(p.Name, p.Device.ToString().ToLowerInvariant(), p.Usable, p.Detail))],
                Driver = cuda.Driver is { } d ? new DriverReport(d.VersionText, d.DeviceCount, d.DeviceName, d.Error) : null,
                Libraries = [.. cuda.Scan.Libraries.Select(l => new LibraryReport(l.Library.FileName, l.Library.Role, l.Library.Required, l.Path))],
                Loaded = cuda.Loaded,
                Folders = cuda.Scan.Folders,
            };
            Console.Out.WriteLine(JsonSerializer.Serialize(report, CliJson.Default.DevicesReport));
            return 0;
        }

        Console.Out.WriteLine($"ONNX Runtime {version}, {OrtBuild.Flavor} build ({OrtBuild.NativePackage}), natives in {CudaRuntime.OrtNativeFolder() ?? "?"}");
        foreach (var p in providers)
        {
            Console.Out.WriteLine($"{p.Name,-26} {(p.Usable ? "usable" : "not usable")}: {p.Detail}");
        }

        Console.Out.WriteLine();
        Console.Out.WriteLine("CUDA libraries (load order):");
        foreach (var (library, path) in cuda.Scan.Libraries)
        {
            var role = library.Required ? library.Role : library.Role + ", optional";
            Console.Out.WriteLine($"  {library.FileName,-40} {path ?? "not found"}   [{role}]");
        }

        Console.Out.WriteLine($"folders searched ({cuda.Scan.Folders.Count} that exist, in order):");
        foreach (var folder in cuda.Scan.Folders)
        {
            Console.Out.WriteLine($"  {folder}");
        }

        return 0;
    }
}
