using System.CommandLine;
using VideoStyler.Cli.Parsing;
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
    /// <summary>The models import verb.</summary>
    internal static Command Create()
    {
        var file = new Argument<string>("FILE.tflite") { Description = "the TensorFlow Lite model" };
        var name = CliOptions.Text("--name", "N", "the model's name (default: the file name without extension)");
        var license = CliOptions.Text("--license", "L", "the model's license, written into its manifest");
        var floatWeights = CliOptions.Flag("--float-weights", "dequantize int8 weights to float32 (default: keep them int8 behind DequantizeLinear)");
        var qdq = CliOptions.Flag("--qdq", "also quantize-dequantize the int8 activations (integer convolutions in ONNX Runtime)");
        var force = CliOptions.Flag("--force", "replace an existing model of that name");
        var modelsDir = CliOptions.ModelsDir();
        var command = HelpDetails.Command("import", "convert a TensorFlow Lite model to ONNX into the user model folder", """
            Converts a TensorFlow Lite model to ONNX (our own importer) and writes NAME.onnx + NAME.json (its
            manifest: NHWC, RGB, 0..1, role tag) into the user model folder (or --models-dir).
            """,
            file, name, license, floatWeights, qdq, force, modelsDir);
        command.Validators.Add(result =>
        {
            if (result.GetResult(floatWeights) is not null && result.GetResult(qdq) is not null)
            {
                result.AddError("--float-weights and --qdq exclude each other");
            }
        });
        command.SetAction(parse => Run(
            parse.GetRequiredValue(file), parse.GetValue(name), parse.GetValue(license), parse.GetValue(floatWeights), parse.GetValue(qdq), parse.GetValue(force), parse.GetValue(modelsDir)));
        return command;
    }

    private static int Run(string file, string? givenName, string? license, bool floatWeights, bool qdq, bool force, string? modelsDir)
    {
        if (!File.Exists(file))
        {
            throw new UserFacingException(Directory.Exists(file) ? $"{file} is a folder, not a .tflite file" : $"file not found: {file}");
        }

        var name = givenName ?? Path.GetFileNameWithoutExtension(file);
        if (name.Length == 0 || name.IndexOfAny([.. Path.GetInvalidFileNameChars(), ',', ':', ' ']) >= 0)
        {
            throw new UsageException($"models import: --name '{name}' must be a plain file name without spaces, ',' or ':'");
        }

        var folder = modelsDir ?? StyleLibrary.UserModelFolder();
        var target = Path.Combine(folder, name + ".onnx");
        var manifestPath = Path.ChangeExtension(target, ".json");
        if ((File.Exists(target) || File.Exists(manifestPath)) && !force)
        {
            throw new UserFacingException($"a model named '{name}' already exists in {folder} (use --force to replace it)");
        }

        var options = new TfliteImportOptions
        {
            KeepInt8Weights = !floatWeights,
            QuantizedActivations = qdq,
        };
        var (onnx, manifest, source) = TfliteImporter.Import(file, name, options);
        if (license is not null)
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
