using System.Globalization;
using VideoStyler.Sources;

namespace VideoStyler.Cli;

/// <summary>
/// A word before a run that enlarges every frame a lot for the model (--size far above the input's
/// short side): it adds no detail, and time and memory grow with the square of the factor.
/// </summary>
internal static class UpscaleNotice
{
    /// <summary>The factor from which the notice is given.</summary>
    public const double Factor = 2.0;

    /// <summary>The notice for this input and --size, or null when the frames are not enlarged that much.</summary>
    public static string? For(VideoInfo info, int processingSize)
    {
        var shortSide = Math.Min(info.Width, info.Height);
        var factor = (double)processingSize / shortSide;
        if (factor < Factor)
        {
            return null;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"--size {processingSize} is {factor:0.#}x the input's short side ({info.Width}x{info.Height}): every frame is enlarged {factor:0.#}x for the model, which adds no detail and costs about {factor * factor:0}x the time and memory; a smaller --size is faster");
    }
}
