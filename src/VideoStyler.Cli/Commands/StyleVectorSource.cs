using OpenCvSharp;

namespace VideoStyler.Cli.Commands;

/// <summary>
/// Where style vectors come from: the Magenta style predictor (picture -> 100 numbers) when this build
/// has it, otherwise null (picture styles are then made without a vector and say so).
/// </summary>
public static class StyleVectorSource
{
    public const string Missing = "the style predictor is not in this build, so no style vector was computed";

    public static Func<Mat, float[]>? TryCreate() => null;
}
