using System.Security.Cryptography;
using Google.Protobuf;
using VideoStyler.Models.Onnx.Proto;

namespace VideoStyler.Models.Tflite;

/// <summary>
/// Imports a .tflite file: reads it (<see cref="TfliteReader"/>), converts it
/// (<see cref="TfliteToOnnxConverter"/>) and describes it with a <see cref="ModelManifest"/>:
/// NHWC, RGB, 0..1 in and out (TFLite image models, Magenta's among them, take 0..1 RGB; edit the
/// manifest for a model that differs). A model whose output is 1x1xN (a style vector) is tagged
/// role=style-predictor; an image model with a second 1x1xN input is tagged role=arbitrary-transformer
/// (it needs a style vector, so it is no --style by itself).
/// </summary>
internal static class TfliteImporter
{
    public static (byte[] Onnx, ModelManifest Manifest, TfliteModel Source) Import(string path, string name, TfliteImportOptions? options = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot read {path}: {ex.Message}");
        }

        var model = TfliteReader.Read(bytes, path);
        var unsupported = TfliteToOnnxConverter.UnsupportedOperators(model);
        if (unsupported.Count > 0)
        {
            throw new UserFacingException($"{path} uses operators the importer does not convert: {string.Join(", ", unsupported)}");
        }

        var effective = (options ?? new TfliteImportOptions()) with { Name = name };
        var provenance = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["videostyler.source"] = Path.GetFileName(path),
            ["videostyler.source_sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            ["videostyler.int8_weights"] = effective.KeepInt8Weights || effective.QuantizedActivations ? "yes" : "no",
            ["videostyler.quantized_activations"] = effective.QuantizedActivations ? "yes" : "no",
            ["Image.BitmapPixelFormat"] = "Rgb8",
            ["Image.NominalPixelRange"] = "Normalized_0_1",
        };
        var onnx = TfliteToOnnxConverter.Convert(model, effective, provenance);
        return (onnx.ToByteArray(), Describe(model, onnx, name, path), model);
    }

    private static ModelManifest Describe(TfliteModel model, ModelProto onnx, string name, string path)
    {
        var tensors = model.Tensors;
        var image = model.Inputs.Select(i => tensors[i]).FirstOrDefault(t => t.Shape is [_, > 1, > 1, 3] or [_, > 1, _, 3] or [_, _, > 1, 3]);
        var vectorIn = model.Inputs.Select(i => tensors[i]).FirstOrDefault(t => t.Shape is [1, 1, 1, > 3]);
        var output = tensors[model.Outputs[0]];
        var vectorOut = output.Shape is [1, 1, 1, > 3];
        var tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "tflite-import" };
        string description;
        if (vectorOut)
        {
            tags["role"] = "style-predictor";
            description = $"style predictor imported from {Path.GetFileName(path)}: an RGB 0..1 picture (NHWC) in, a {output.Shape[3]}-number style vector out";
        }
        else if (vectorIn is not null)
        {
            tags["role"] = "arbitrary-transformer";
            description = $"arbitrary style transformer imported from {Path.GetFileName(path)}: an RGB 0..1 frame (NHWC, any size) and a {vectorIn.Shape[3]}-number style vector ({vectorIn.Name}) in, the stylized frame out";
        }
        else
        {
            description = $"imported from {Path.GetFileName(path)}";
        }

        var outputName = onnx.Graph.Output[0].Name;
        return new ModelManifest
        {
            Name = name,
            Title = name,
            Description = description,
            Tags = tags,
            Input = image is null ? null : new TensorConventionManifest { Name = image.Name, Layout = "NHWC", ChannelOrder = "RGB", Range = "0..1" },
            Output = new TensorConventionManifest { Name = outputName, Layout = "NHWC", ChannelOrder = vectorOut ? null : "RGB", Range = vectorOut ? null : "0..1" },
            NativeSize = image?.Shape[1],
            SizeMultiple = vectorOut ? null : 4,
        };
    }
}
