using VideoStyler.Models;

namespace VideoStyler.Stylize.Arbitrary;

/// <summary>
/// The shipped Magenta arbitrary-style models (models/magenta, embedded in this assembly; Apache-2.0,
/// see models/magenta/NOTICE), converted from TFLite by our importer:
/// <list type="bullet">
/// <item>the style predictor: <c>style_image</c> float [1,H,W,3] RGB 0..1 (fed 256x256) to the style
/// vector <c>mobilenet_conv/Conv/BiasAdd</c> [1,1,1,100];</item>
/// <item>the style transformer: <c>content_image</c> float [1,H,W,3] RGB 0..1 (any H, W; multiples
/// of 4 give an output of exactly the input size) and the style vector [1,1,1,100] to the stylized
/// image [1,H,W,3] RGB 0..1;</item>
/// <item>the video transformer: the same graph with weights fine-tuned for stability over frames by
/// tools/stabilize (the style transformer as teacher; see models/magenta/style_transfer_video.json). Video runs
/// with temporal consistency use it; stills and per-frame runs use the style transformer.</item>
/// </list>
/// </summary>
internal static class MagentaModels
{
    public const int VectorLength = 100;

    /// <summary>The predictor's input size (Magenta trains and runs it on 256x256 style images).</summary>
    public const int PredictorSize = 256;

    public const string PredictorName = "magenta.style_predict";

    public const string TransformerName = "magenta.style_transfer";

    public const string VideoTransformerName = "magenta.style_transfer_video";

    public static StyleSource Predictor() => Load(PredictorName);

    public static StyleSource Transformer() => Load(TransformerName);

    /// <summary>The transformer for video (<paramref name="video"/>: the stability fine-tuned one) or for single pictures.</summary>
    public static StyleSource Transformer(bool video) => video ? Load(VideoTransformerName) : Transformer();

    private static StyleSource Load(string name) =>
        StyleLibrary.Embedded(name) ?? throw new UserFacingException($"the Magenta model {name} is missing from this build (models/magenta)");
}
