using Microsoft.ML.OnnxRuntime;
using VideoStyler.Models;

namespace VideoStyler.Stylize;

/// <summary>
/// Works out a model's <see cref="ModelConvention"/> from its graph (tensor names, ranks, dims), its
/// metadata (the ONNX image metadata keys Image.BitmapPixelFormat / Image.NominalPixelRange, the
/// description) and finally the manifest, which overrides everything it states.
/// </summary>
internal static class ConventionDetector
{
    public static ModelConvention Detect(InferenceSession session, ModelManifest? manifest, string modelLabel)
    {
        var notes = new List<string>();
        var input = PickImageTensor(session.InputMetadata, manifest?.Input?.Name, "input", modelLabel);
        var output = PickImageTensor(session.OutputMetadata, manifest?.Output?.Name, "output", modelLabel);
        var dims = input.Value.Dimensions;

        TensorLayout layout;
        if (dims[1] == 3)
        {
            layout = TensorLayout.Nchw;
            notes.Add("layout NCHW: dim 1 of the input is 3");
        }
        else if (dims[3] == 3)
        {
            layout = TensorLayout.Nhwc;
            notes.Add("layout NHWC: dim 3 of the input is 3");
        }
        else
        {
            layout = TensorLayout.Nchw;
            notes.Add("layout NCHW: assumed (no dim is 3)");
        }

        var metadata = session.ModelMetadata.CustomMetadataMap;
        var description = session.ModelMetadata.Description ?? "";
        var order = ChannelOrder.Rgb;
        var range = layout == TensorLayout.Nhwc ? ValueRange.MinusOneToOne : ValueRange.ZeroTo255;
        var defaultWhy = layout == TensorLayout.Nhwc
            ? "default for NHWC style models (AnimeGAN family)"
            : "default for NCHW style models (ONNX model zoo, pytorch/examples)";
        var orderWhy = defaultWhy;
        var rangeWhy = defaultWhy;

        if (description.Contains("fast-neural-style", StringComparison.OrdinalIgnoreCase))
        {
            // Justin Johnson's Torch models keep Caffe's BGR 0..255 convention.
            order = ChannelOrder.Bgr;
            range = ValueRange.ZeroTo255;
            orderWhy = rangeWhy = "model description names Johnson's fast-neural-style (BGR 0..255)";
        }

        if (metadata.TryGetValue("Image.BitmapPixelFormat", out var pixelFormat))
        {
            if (pixelFormat.StartsWith("Bgr", StringComparison.OrdinalIgnoreCase))
            {
                order = ChannelOrder.Bgr;
                orderWhy = $"metadata Image.BitmapPixelFormat={pixelFormat}";
            }
            else if (pixelFormat.StartsWith("Rgb", StringComparison.OrdinalIgnoreCase))
            {
                order = ChannelOrder.Rgb;
                orderWhy = $"metadata Image.BitmapPixelFormat={pixelFormat}";
            }
        }

        if (metadata.TryGetValue("Image.NominalPixelRange", out var nominal))
        {
            ValueRange? fromMeta = nominal switch
            {
                "NominalRange_0_255" => ValueRange.ZeroTo255,
                "Normalized_0_1" => ValueRange.ZeroToOne,
                "Normalized_1_1" => ValueRange.MinusOneToOne,
                _ => null,
            };
            if (fromMeta is { } r)
            {
                range = r;
                rangeWhy = $"metadata Image.NominalPixelRange={nominal}";
            }
        }

        var outputRange = range;
        var outputRangeWhy = "same as input";
        if (manifest?.Input is { } mi)
        {
            if (ParseLayout(mi.Layout) is { } l)
            {
                layout = l;
                notes.Add($"layout {mi.Layout}: manifest");
            }

            if (ParseOrder(mi.ChannelOrder) is { } o)
            {
                order = o;
                orderWhy = "manifest";
            }

            if (ValueRangeExtensions.Parse(mi.Range) is { } r)
            {
                range = outputRange = r;
                rangeWhy = "manifest";
            }
        }

        if (manifest?.Output is { } mo && ValueRangeExtensions.Parse(mo.Range) is { } or)
        {
            outputRange = or;
            outputRangeWhy = "manifest";
        }

        notes.Add($"channel order {order.ToString().ToUpperInvariant()}: {orderWhy}");
        notes.Add($"input range {range.ToText()}: {rangeWhy}");
        notes.Add($"output range {outputRange.ToText()}: {outputRangeWhy}");

        var (hIndex, wIndex) = layout == TensorLayout.Nchw ? (2, 3) : (1, 2);
        int? fixedH = dims[hIndex] > 0 ? dims[hIndex] : null;
        int? fixedW = dims[wIndex] > 0 ? dims[wIndex] : null;
        notes.Add(fixedH is null || fixedW is null
            ? "spatial dims: symbolic (any size)"
            : $"spatial dims: fixed {fixedW}x{fixedH}");
        var multiple = manifest?.SizeMultiple ?? 4;
        notes.Add($"free dims padded to a multiple of {multiple}" + (manifest?.SizeMultiple is null ? " (default for strided style networks)" : " (manifest)"));

        return new ModelConvention
        {
            InputName = input.Key,
            OutputName = output.Key,
            Layout = layout,
            ChannelOrder = order,
            Range = range,
            OutputRange = outputRange,
            FixedHeight = fixedH,
            FixedWidth = fixedW,
            SizeMultiple = Math.Max(1, multiple),
            Notes = notes,
        };
    }

    private static KeyValuePair<string, NodeMetadata> PickImageTensor(
        IReadOnlyDictionary<string, NodeMetadata> tensors, string? wanted, string role, string modelLabel)
    {
        if (wanted is not null)
        {
            if (!tensors.TryGetValue(wanted, out var named))
            {
                throw new UserFacingException($"{modelLabel}: the manifest names {role} '{wanted}', which the model does not have");
            }

            return new(wanted, named);
        }

        foreach (var pair in tensors)
        {
            if (pair.Value.IsTensor && pair.Value.ElementType == typeof(float) && pair.Value.Dimensions.Length == 4)
            {
                return pair;
            }
        }

        throw new UserFacingException(
            $"{modelLabel} is not an image-to-image style model: it has no 4-D float {role} tensor " +
            $"({string.Join(", ", tensors.Select(t => $"{t.Key} [{string.Join(",", t.Value.Dimensions)}]"))})");
    }

    private static TensorLayout? ParseLayout(string? text) => text?.ToUpperInvariant() switch
    {
        "NCHW" => TensorLayout.Nchw,
        "NHWC" => TensorLayout.Nhwc,
        _ => null,
    };

    private static ChannelOrder? ParseOrder(string? text) => text?.ToUpperInvariant() switch
    {
        "RGB" => ChannelOrder.Rgb,
        "BGR" => ChannelOrder.Bgr,
        _ => null,
    };
}
