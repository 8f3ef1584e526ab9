using VideoStyler.Models;

namespace VideoStyler.Stylize.Arbitrary;

/// <summary>
/// A style given as a style vector for the Magenta transformer (from --style-image, or a saved
/// style): what <see cref="FrameStylizer"/> needs to run it.
/// </summary>
internal sealed record ArbitraryStyle
{
    /// <summary>The name shown in summaries and written into the output's AI-stylized marking.</summary>
    public required string Name { get; init; }

    /// <summary>The style's vector (<see cref="MagentaModels.VectorLength"/> numbers).</summary>
    public required float[] Vector { get; init; }

    /// <summary>
    /// 0..1: interpolation between the content's own style vector (predicted from the first frame and again at each scene cut)
    /// and <see cref="Vector"/>; 1 uses the style's vector as is.
    /// </summary>
    public double Strength { get; init; } = 1.0;

    /// <summary>Another transformer to run the vector with (e.g. an int8 variant, for bench); null = the shipped one.</summary>
    public StyleSource? Transformer { get; init; }

    /// <summary>The style vector of a picture file, predicted with the shipped predictor.</summary>
    public static ArbitraryStyle FromImage(string path, double strength = 1.0, int threads = 0)
    {
        using var predictor = StylePredictor.Load(intraOpThreads: threads);
        return new ArbitraryStyle
        {
            Name = Path.GetFileNameWithoutExtension(path),
            Vector = predictor.PredictFile(path),
            Strength = strength,
        };
    }
}
