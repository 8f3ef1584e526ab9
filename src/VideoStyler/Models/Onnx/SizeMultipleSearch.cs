using VideoStyler.Models.Onnx.Proto;

namespace VideoStyler.Models.Onnx;

/// <summary>
/// Finds the size multiple a network needs (e.g. 4 for two stride-2 downsamplings followed by two
/// stride-2 upsamplings): the smallest candidate at which, at several sample sizes around a reference
/// size, <see cref="ShapeInference"/> says the graph runs and keeps its outputs proportional to its input.
/// </summary>
internal static class SizeMultipleSearch
{
    private static readonly int[] CandidateMultiples = [1, 2, 4, 8, 16, 32, 64, 128, 256];
    private static readonly double[] SampleScales = [0.5, 0.75, 1.0, 1.35];

    /// <summary>
    /// The smallest multiple m such that, at several sizes that are multiples of m, the graph runs
    /// and every output keeps the input's size (or the native output/input ratio). 0 if none.
    /// </summary>
    internal static int Find(GraphProto graph, string inputName, long referenceHeight, long referenceWidth, out string? error)
    {
        var reference = ShapeInference.Propagate(graph, inputName, referenceHeight, referenceWidth, out error);
        if (reference is null)
        {
            return 0;
        }

        var outputs = graph.Output.Select(o => o.Name).ToList();
        if (outputs.Any(o => !reference.ContainsKey(o)))
        {
            error = "A graph output does not depend on the image input.";
            return 0;
        }

        foreach (var multiple in CandidateMultiples)
        {
            var works = true;
            foreach (var (h, w) in SampleSizes(referenceHeight, referenceWidth, multiple))
            {
                var sizes = ShapeInference.Propagate(graph, inputName, h, w, out _);
                works = sizes is not null && outputs.All(o =>
                    sizes[o].H * referenceHeight == h * reference[o].H &&
                    sizes[o].W * referenceWidth == w * reference[o].W);
                if (!works)
                {
                    break;
                }
            }

            if (works)
            {
                error = null;
                return multiple;
            }
        }

        error = $"No size multiple up to {CandidateMultiples[^1]} keeps the output size proportional to the input size.";
        return 0;
    }

    private static IEnumerable<(long H, long W)> SampleSizes(long height, long width, int multiple)
    {
        foreach (var scale in SampleScales)
        {
            var h = Math.Max(multiple, (long)Math.Round(height * scale / multiple) * multiple);
            var w = Math.Max(multiple, (long)Math.Round(width * scale / multiple) * multiple);
            yield return (h, w);
            yield return (h + multiple, w);
            yield return (h, w + multiple);
        }
    }
}
