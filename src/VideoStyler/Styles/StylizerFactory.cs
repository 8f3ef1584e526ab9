using VideoStyler.Frames;
using VideoStyler.Models;
using VideoStyler.Stylize;
using VideoStyler.Stylize.Arbitrary;

namespace VideoStyler.Styles;

/// <summary>
/// Creates the stylizer for a --style: picture styles (and the default, a built-in painting) become a
/// style vector for the shared transformer here, where the style catalog lives; networks are left to
/// <see cref="FrameStylizer.Create"/>. The runners (stylize, live, scale-out, stills, bench) start here.
/// </summary>
internal static class StylizerFactory
{
    /// <inheritdoc cref="FrameStylizer.Create"/>
    public static FrameStylizer Create(
        StyleLibrary library, string? styleSpec, StyleControls controls, int width, int height, int processingSize,
        ExecutionDevice device, int threads, PipelineStats? stats, int maxTile = TiledStylizer.DefaultMaxTile, ArbitraryStyle? arbitrary = null,
        bool smoothStatistics = false, bool carryFeatures = false, bool quietFallback = false, float featureKeep = FeatureFlowStylizer.DefaultKeep,
        int lanes = 1, bool videoNetwork = false)
    {
        // A picture style's strength is the content/style vector interpolation, not an output blend.
        arbitrary ??= PictureStyleResolver.TryResolve(library, styleSpec, controls.Strength);
        return FrameStylizer.Create(
            library, styleSpec, controls, width, height, processingSize, device, threads, stats, maxTile, arbitrary,
            smoothStatistics, carryFeatures, quietFallback, featureKeep, lanes, videoNetwork);
    }
}
