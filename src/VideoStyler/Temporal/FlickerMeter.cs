using OpenCvSharp;
using VideoStyler.Quality;

namespace VideoStyler.Temporal;

/// <summary>
/// Measures temporal flicker as in Lai et al. 2018 (Learning Blind Video Temporal Consistency): each output
/// frame is compared with its predecessor warped by optical flow measured on the input frames, with
/// occluded pixels masked out. Optionally compares with a per-frame reference (the same stylization without
/// the temporal stage) for retention and sharpness. The meter uses its own flow (<see cref="OcclusionAwareFlow"/>),
/// never the blender's. With a reference it also measures gram retention and the content ratio
/// (<see cref="StyleComparison"/>) on up to <c>styleFrames</c> frames spread over the clip.
/// </summary>
internal static class FlickerMeter
{
    public static FlickerReport Measure(string inputPath, string outputPath, string? referencePath, int styleFrames = StyleMeter.DefaultFrames)
    {
        using var input = ClipFrames.Open(inputPath, "input");
        using var output = ClipFrames.Open(outputPath, "output");
        using var reference = referencePath is null ? null : ClipFrames.Open(referencePath, "reference");
        using var inputFrame = new Mat();
        using var outputFrame = new Mat();
        using var referenceFrame = new Mat();

        if (!ReadAll(input, inputFrame, output, outputFrame, reference, referenceFrame))
        {
            throw new InvalidDataException($"No frames could be read from '{inputPath}'.");
        }

        var width = inputFrame.Cols;
        var height = inputFrame.Rows;
        using var flow = new OcclusionAwareFlow(width, height);
        using var inputError = new WarpErrorAccumulator(width, height);
        using var outputError = new WarpErrorAccumulator(width, height);
        using var referenceError = reference is null ? null : new WarpErrorAccumulator(width, height);
        using var comparison = reference is null ? null : new ReferenceComparison();
        using var network = reference is null ? null : FeatureNetwork.Load();
        using var style = network is null ? null : new StyleComparison(network, null);
        var styleStride = StyleMeter.Stride((int)Math.Max(1, output.Get(VideoCaptureProperties.FrameCount)), styleFrames);
        var previousLuma = new Mat(height, width, MatType.CV_8UC1);
        var currentLuma = new Mat(height, width, MatType.CV_8UC1);
        try
        {
            var frames = 0;
            do
            {
                ClipFrames.CheckSize(inputFrame, width, height, inputPath, frames);
                ClipFrames.CheckSize(outputFrame, width, height, outputPath, frames);
                if (reference is not null)
                {
                    ClipFrames.CheckSize(referenceFrame, width, height, referencePath!, frames);
                }

                Cv2.CvtColor(inputFrame, currentLuma, ColorConversionCodes.BGR2GRAY);
                var pairFlow = frames == 0 ? null : flow;
                var validCount = pairFlow?.Compute(previousLuma, currentLuma) ?? 0;
                inputError.Add(inputFrame, pairFlow, validCount);
                outputError.Add(outputFrame, pairFlow, validCount);
                referenceError?.Add(referenceFrame, pairFlow, validCount);
                comparison?.Add(inputFrame, outputFrame, referenceFrame);
                if (style is not null && frames % styleStride == 0 && (styleFrames <= 0 || style.Frames < styleFrames))
                {
                    style.Add(inputFrame, outputFrame, referenceFrame);
                }

                (previousLuma, currentLuma) = (currentLuma, previousLuma);
                frames++;
            }
            while (ReadAll(input, inputFrame, output, outputFrame, reference, referenceFrame));

            var counts = new List<(string Path, int Count)>
            {
                (inputPath, frames + CountRemaining(input, inputFrame)),
                (outputPath, frames + CountRemaining(output, outputFrame)),
            };
            if (reference is not null)
            {
                counts.Add((referencePath!, frames + CountRemaining(reference, referenceFrame)));
            }

            if (counts.Any(c => c.Count != frames))
            {
                throw new InvalidDataException(
                    "Frame counts differ: " + string.Join(", ", counts.Select(c => $"'{c.Path}' has {c.Count}")) + ".");
            }

            return new FlickerReport
            {
                EWarpOutput = outputError.Mean,
                EWarpInput = inputError.Mean,
                FlickerRatio = referenceError is null ? null : Ratio(outputError.Mean, referenceError.Mean),
                Retention = comparison?.Retention,
                Sharpness = comparison?.Sharpness,
                GramRetention = style?.GramRetention,
                ContentRatio = style?.ContentRatio,
                StyleFrames = style?.Frames,
                Frames = frames,
            };
        }
        finally
        {
            previousLuma.Dispose();
            currentLuma.Dispose();
        }
    }

    private static double Ratio(double value, double baseline) => baseline == 0 ? (value == 0 ? 1 : double.PositiveInfinity) : value / baseline;

    /// <summary>Reads the next frame of every stream; true only when all of them delivered one.</summary>
    private static bool ReadAll(VideoCapture input, Mat inputFrame, VideoCapture output, Mat outputFrame, VideoCapture? reference, Mat referenceFrame)
    {
        var gotInput = ClipFrames.Read(input, inputFrame);
        var gotOutput = ClipFrames.Read(output, outputFrame);
        var gotReference = reference is null || ClipFrames.Read(reference, referenceFrame);
        return gotInput && gotOutput && gotReference;
    }

    /// <summary>Frames still readable after the lockstep loop (the one frame already read counts, if any).</summary>
    private static int CountRemaining(VideoCapture capture, Mat frame)
    {
        if (frame.Empty())
        {
            return 0;
        }

        var count = 1;
        while (ClipFrames.Read(capture, frame))
        {
            count++;
        }

        return count;
    }
}
