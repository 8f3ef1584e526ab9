using VideoStyler.Models;
using VideoStyler.Models.Tflite;

namespace VideoStyler.Cli.Commands;

/// <summary>
/// `videostyler models import FILE.tflite [--name N] [--license L] [--float-weights|--qdq] [--force] [--models-dir DIR]`:
/// converts a TensorFlow Lite model to ONNX (<see cref="TfliteImporter"/>) and writes NAME.onnx and
/// NAME.json into the user model folder. An existing NAME.onnx is only replaced with --force; the
/// files are written beside the target first and then moved into place, so a failure leaves nothing half-written.
/// </summary>
internal static class ModelsImportCommand
{
    public const string Help = """
        usage: videostyler models import FILE.tflite [--name N] [--license L] [--float-weights | --qdq] [--force] [--models-dir DIR]

        Converts a TensorFlow Lite model to ONNX and writes NAME.onnx + NAME.json (its manifest:
        NHWC, RGB, 0..1, role tag) into the user model folder (or --models-dir).
          --name N          the model's name (default: the file name without extension)
          --float-weights   dequantize int8 weights to float32 (default: keep them int8 behind DequantizeLinear)
          --qdq             also quantize-dequantize the int8 activations (integer convolutions in ONNX Runtime)
          --force           replace an existing model of that name
        """;

    public static int Run(string[] args)
    {
        var line = CommandLine.Parse("models import", args, ["--name", "--license", "--models-dir"], ["--force", "--float-weights", "--qdq"]);
        if (line.HelpRequested || line.Positionals.Count != 1)
        {
            Console.Out.WriteLine(Help);
            return line.HelpRequested ? 0 : 2;
        }

        var file = line.Positionals[0];
        if (!File.Exists(file))
        {
            throw new UserFacingException(Directory.Exists(file) ? $"{file} is a folder, not a .tflite file" : $"file not found: {file}");
        }

        var name = line.Get("--name") ?? Path.GetFileNameWithoutExtension(file);
        if (name.Length == 0 || name.IndexOfAny([.. Path.GetInvalidFileNameChars(), ',', ':', ' ']) >= 0)
        {
            throw new UsageException($"models import: --name '{name}' must be a plain file name without spaces, ',' or ':'");
        }

        if (line.Has("--float-weights") && line.Has("--qdq"))
        {
            throw new UsageException("models import: --float-weights and --qdq exclude each other");
        }

        var folder = line.Get("--models-dir") ?? StyleLibrary.UserModelFolder();
        var target = Path.Combine(folder, name + ".onnx");
        var manifestPath = Path.ChangeExtension(target, ".json");
        if ((File.Exists(target) || File.Exists(manifestPath)) && !line.Has("--force"))
        {
            throw new UserFacingException($"a model named '{name}' already exists in {folder} (use --force to replace it)");
        }

        var options = new TfliteImportOptions
        {
            KeepInt8Weights = !line.Has("--float-weights"),
            QuantizedActivations = line.Has("--qdq"),
        };
        var (onnx, manifest, source) = TfliteImporter.Import(file, name, options);
        if (line.Get("--license") is { } license)
        {
            manifest = manifest with { License = license };
        }

        Directory.CreateDirectory(folder);
        WriteAtomically(target, onnx);
        WriteAtomically(manifestPath, System.Text.Encoding.UTF8.GetBytes(manifest.ToJson() + "\n"));
        var ops = string.Join(", ", source.OperatorCounts().Select(c => $"{c.Name} {c.Count}"));
        var role = manifest.Tags.TryGetValue("role", out var r) ? $" ({r})" : "";
        Console.Out.WriteLine($"imported '{name}'{role} -> {target}, {onnx.Length / 1024.0:0} KiB; {source.Operators.Count} operators: {ops}");
        return 0;
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temp = path + ".partial";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
