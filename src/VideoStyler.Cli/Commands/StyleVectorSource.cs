using OpenCvSharp;
using VideoStyler.Stylize.Arbitrary;

namespace VideoStyler.Cli.Commands;

/// <summary>Style vectors for the styles commands: the shipped Magenta style predictor, loaded once on first use.</summary>
internal static class StyleVectorSource
{
    public const string Missing = "no style vector: run `videostyler styles generate` to compute it";

    private static readonly Lazy<StylePredictor> Predictor = new(() => StylePredictor.Load());

    public static Func<Mat, float[]> Create() => picture => Predictor.Value.Predict(picture);
}
