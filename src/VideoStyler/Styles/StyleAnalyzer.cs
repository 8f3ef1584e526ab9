using OpenCvSharp;

namespace VideoStyler.Styles;

/// <summary>
/// Computes a painting's palette, colour and texture measures and the tags they give
/// (<see cref="StyleTagRules"/>). Deterministic: the same picture gives the same result.
/// </summary>
internal static class StyleAnalyzer
{
    /// <summary>Colour statistics are taken on the picture reduced to this long side.</summary>
    public const int ColourSide = 256;

    public static StyleAnalysis Analyze(Mat bgr)
    {
        var palette = PaletteExtractor.Extract(bgr);
        var (shares, octave) = TextureMeter.Measure(bgr);
        var (warmth, chroma, value, contrast) = ColourStatistics(bgr);
        var measures = new StyleMeasures
        {
            Warmth = Math.Round(warmth, 4),
            Chroma = Math.Round(chroma, 4),
            Value = Math.Round(value, 4),
            Contrast = Math.Round(contrast, 4),
            StrokeOctave = Math.Round(octave, 4),
            BandEnergy = [.. shares.Select(s => Math.Round(s, 4))],
        };
        return new StyleAnalysis(palette, measures, StyleTagRules.Tags(measures));
    }

    private static (double Warmth, double Chroma, double Value, double Contrast) ColourStatistics(Mat bgr)
    {
        using var small = PictureFit.FitWithin(bgr, ColourSide);
        small.GetArray(out Vec3b[] pixels);
        double chromaSum = 0, chromaSquares = 0, valueSum = 0, warm = 0, cool = 0, lumaSum = 0, lumaSquares = 0;
        foreach (var p in pixels)
        {
            double b = p.Item0 / 255.0, g = p.Item1 / 255.0, r = p.Item2 / 255.0;
            var max = Math.Max(r, Math.Max(g, b));
            var min = Math.Min(r, Math.Min(g, b));
            var c = max - min;
            chromaSum += c;
            chromaSquares += c * c;
            valueSum += max;
            var luma = (0.299 * r) + (0.587 * g) + (0.114 * b);
            lumaSum += luma;
            lumaSquares += luma * luma;
            if (c > 0)
            {
                switch (StyleTagRules.HueTemperature(Hue(r, g, b, max, c)))
                {
                    case 1:
                        warm += c * c;
                        break;
                    case -1:
                        cool += c * c;
                        break;
                }
            }
        }

        var n = pixels.Length;
        var meanLuma = lumaSum / n;
        var contrast = Math.Sqrt(Math.Max(0, (lumaSquares / n) - (meanLuma * meanLuma)));
        var warmth = chromaSquares > 0 ? (warm - cool) / chromaSquares : 0;
        return (warmth, chromaSum / n, valueSum / n, contrast);
    }

    /// <summary>Hue in degrees (0..360) of a colour with chroma <paramref name="c"/> &gt; 0.</summary>
    private static double Hue(double r, double g, double b, double max, double c)
    {
        double h = max == r ? (g - b) / c
            : max == g ? ((b - r) / c) + 2
            : ((r - g) / c) + 4;
        h *= 60;
        return h < 0 ? h + 360 : h;
    }
}
