using OpenCvSharp;

namespace VideoStyler.Quality;

/// <summary>
/// `eval style`: content and style measures (<see cref="StyleComparison"/>) of a stylized clip or picture
/// against its content, optionally against the per-frame reference and a style image, on up to
/// <c>maxFrames</c> frames spread evenly over the clip.
/// </summary>
internal static class StyleMeter
{
    /// <summary>Frames measured by default: enough for stable figures at about 0.2 s per frame.</summary>
    public const int DefaultFrames = 30;

    /// <summary>Every how-many-th frame to measure so that at most <paramref name="maxFrames"/> (0 = all) of about <paramref name="total"/> are.</summary>
    public static int Stride(int total, int maxFrames) => maxFrames <= 0 ? 1 : Math.Max(1, (total + maxFrames - 1) / maxFrames);

    public static StyleReport Measure(string outputPath, string contentPath, string? referencePath, string? styleImagePath, int maxFrames = DefaultFrames)
    {
        using var output = PictureSequence.Open(outputPath, "output");
        using var content = PictureSequence.Open(contentPath, "content");
        using var reference = referencePath is null ? null : PictureSequence.Open(referencePath, "reference");
        using var styleImage = styleImagePath is null ? null : PictureSequence.ReadImage(styleImagePath, "style");
        using var network = FeatureNetwork.Load();
        using var comparison = new StyleComparison(network, styleImage);
        using var outputFrame = new Mat();
        using var contentFrame = new Mat();
        using var referenceFrame = new Mat();

        var stride = Stride(output.CountEstimate, maxFrames);
        var frames = 0;
        int width = 0, height = 0;
        while (true)
        {
            var gotOutput = output.Read(outputFrame);
            var gotContent = content.Read(contentFrame);
            var gotReference = reference?.Read(referenceFrame);
            if (!gotOutput && !gotContent && gotReference is null or false)
            {
                break;
            }

            if (!gotOutput || !gotContent || gotReference == false)
            {
                throw new InvalidDataException(
                    $"The clips have different frame counts: frame {frames} is missing from " +
                    (!gotOutput ? $"'{outputPath}'" : !gotContent ? $"'{contentPath}'" : $"'{referencePath}'") + ".");
            }

            if (frames == 0)
            {
                (width, height) = (contentFrame.Cols, contentFrame.Rows);
            }

            ClipFrames.CheckSize(contentFrame, width, height, contentPath, frames);
            ClipFrames.CheckSize(outputFrame, width, height, outputPath, frames);
            if (reference is not null)
            {
                ClipFrames.CheckSize(referenceFrame, width, height, referencePath!, frames);
            }

            if (frames % stride == 0 && (maxFrames <= 0 || comparison.Frames < maxFrames))
            {
                comparison.Add(contentFrame, outputFrame, reference is null ? null : referenceFrame);
            }

            frames++;
        }

        if (frames == 0)
        {
            throw new InvalidDataException($"No frames could be read from '{outputPath}'.");
        }

        var (featureWidth, featureHeight) = FeatureNetwork.ProcessingSize(width, height);
        return new StyleReport
        {
            ContentLoss = comparison.ContentLoss,
            StyleLoss = comparison.StyleLoss,
            GramRetention = comparison.GramRetention,
            ContentRatio = comparison.ContentRatio,
            LayerGramRetention = StyleReport.LayerTable(comparison.LayerGramRetention),
            FramesSampled = comparison.Frames,
            Frames = frames,
            FeatureSize = $"{featureWidth}x{featureHeight}",
        };
    }
}
