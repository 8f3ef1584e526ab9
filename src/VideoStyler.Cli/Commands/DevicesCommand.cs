using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using VideoStyler.Stylize;
using VideoStyler.Stylize.Providers;

namespace VideoStyler.Cli.Commands;

/// <summary>
/// `videostyler devices`: each execution provider with "usable" or the exact reason it is not (which
/// library is missing, which driver), plus where every CUDA library was found and the folders searched.
/// </summary>
internal static class DevicesCommand
{
    public const string Help = """
        usage: videostyler devices [--json]

        Lists ONNX Runtime's execution providers in the order --device auto tries them, each "usable"
        or the reason it is not, then the CUDA libraries (found path or "not found") and the folders
        searched: LD_LIBRARY_PATH, the nvidia-* pip wheels of the Pythons here (venv, conda, ~/.local,
        /usr/local/lib/python3*), the CUDA toolkits (/usr/local/cuda*) and the system library folders.
        Nothing needs LD_LIBRARY_PATH: the libraries found are preloaded before the CUDA provider starts.
        """;

    public static int Run(string[] args)
    {
        var line = CommandLine.Parse("devices", args, [], ["--json"]);
        if (line.HelpRequested || line.Positionals.Count > 0)
        {
            Console.Out.WriteLine(Help);
            return line.HelpRequested ? 0 : 2;
        }

        var cuda = CudaRuntime.Status;
        var providers = ExecutionProviders.Probe(cuda);
        var version = OrtEnv.Instance().GetVersionString();
        if (line.Has("--json"))
        {
            var json = new JsonObject
            {
                ["onnxruntime"] = version,
                ["flavor"] = OrtBuild.Flavor,
                ["package"] = OrtBuild.NativePackage,
                ["natives"] = CudaRuntime.OrtNativeFolder(),
                ["providers"] = new JsonArray([.. providers.Select(p => (JsonNode)new JsonObject
                {
                    ["name"] = p.Name,
                    ["device"] = p.Device.ToString().ToLowerInvariant(),
                    ["usable"] = p.Usable,
                    ["detail"] = p.Detail,
                })]),
                ["driver"] = cuda.Driver is { } d ? new JsonObject { ["cuda_version"] = d.VersionText, ["devices"] = d.DeviceCount, ["name"] = d.DeviceName, ["error"] = d.Error } : null,
                ["libraries"] = new JsonArray([.. cuda.Scan.Libraries.Select(l => (JsonNode)new JsonObject
                {
                    ["file"] = l.Library.FileName,
                    ["role"] = l.Library.Role,
                    ["required"] = l.Library.Required,
                    ["path"] = l.Path,
                })]),
                ["loaded"] = new JsonArray([.. cuda.Loaded.Select(p => (JsonNode)p)]),
                ["folders"] = new JsonArray([.. cuda.Scan.Folders.Select(f => (JsonNode)f)]),
            };
            Console.Out.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
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
