using OpenCvSharp;

namespace VideoStyler.Styles;

/// <summary>
/// The dominant colours of a picture by k-means in CIE Lab (perceptual distances), deterministic: the
/// picture is reduced to at most <see cref="WorkingSide"/> px (area average), the centres start at the
/// means of k equal slices of the pixels sorted by lightness, and a fixed number of Lloyd steps follow.
/// Same picture, same palette, on every machine.
/// </summary>
internal static class PaletteExtractor
{
    public const int WorkingSide = 96;
    public const int DefaultColors = 5;
    private const int Iterations = 20;

    public static IReadOnlyList<PaletteColor> Extract(Mat bgr, int colors = DefaultColors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(colors, 1);
        using var small = PictureFit.FitWithin(bgr, WorkingSide);
        using var floats = new Mat();
        small.ConvertTo(floats, MatType.CV_32FC3, 1.0 / 255);
        using var lab = new Mat();
        Cv2.CvtColor(floats, lab, ColorConversionCodes.BGR2Lab);
        lab.GetArray(out Vec3f[] pixels);
        var k = Math.Min(colors, pixels.Length);

        var centres = InitialCentres(pixels, k);
        var assignment = new int[pixels.Length];
        var sums = new double[k * 3];
        var counts = new int[k];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            Array.Clear(sums);
            Array.Clear(counts);
            for (var i = 0; i < pixels.Length; i++)
            {
                var nearest = Nearest(centres, pixels[i]);
                assignment[i] = nearest;
                counts[nearest]++;
                sums[nearest * 3] += pixels[i].Item0;
                sums[(nearest * 3) + 1] += pixels[i].Item1;
                sums[(nearest * 3) + 2] += pixels[i].Item2;
            }

            for (var c = 0; c < k; c++)
            {
                if (counts[c] > 0)
                {
                    centres[c] = new Vec3f((float)(sums[c * 3] / counts[c]), (float)(sums[(c * 3) + 1] / counts[c]), (float)(sums[(c * 3) + 2] / counts[c]));
                }
            }
        }

        var result = new List<(Vec3f Lab, int Count)>();
        for (var c = 0; c < k; c++)
        {
            if (counts[c] > 0)
            {
                result.Add((centres[c], counts[c]));
            }
        }

        using var centreMat = new Mat(1, result.Count, MatType.CV_32FC3);
        centreMat.SetArray([.. result.Select(r => r.Lab)]);
        using var centreBgr = new Mat();
        Cv2.CvtColor(centreMat, centreBgr, ColorConversionCodes.Lab2BGR);
        centreBgr.GetArray(out Vec3f[] bgrCentres);
        return [.. result
            .Select((r, i) => new PaletteColor(ToHex(bgrCentres[i]), Math.Round((double)r.Count / pixels.Length, 3)))
            .OrderByDescending(p => p.Share)
            .ThenBy(p => p.Hex, StringComparer.Ordinal)];
    }

    private static Vec3f[] InitialCentres(Vec3f[] pixels, int k)
    {
        var byLightness = pixels.OrderBy(p => p.Item0).ThenBy(p => p.Item1).ThenBy(p => p.Item2).ToArray();
        var centres = new Vec3f[k];
        for (var c = 0; c < k; c++)
        {
            var from = c * byLightness.Length / k;
            var to = Math.Max(from + 1, (c + 1) * byLightness.Length / k);
            double l = 0, a = 0, b = 0;
            for (var i = from; i < to; i++)
            {
                l += byLightness[i].Item0;
                a += byLightness[i].Item1;
                b += byLightness[i].Item2;
            }

            var n = to - from;
            centres[c] = new Vec3f((float)(l / n), (float)(a / n), (float)(b / n));
        }

        return centres;
    }

    private static int Nearest(Vec3f[] centres, Vec3f p)
    {
        var best = 0;
        var bestDistance = float.MaxValue;
        for (var c = 0; c < centres.Length; c++)
        {
            var dl = p.Item0 - centres[c].Item0;
            var da = p.Item1 - centres[c].Item1;
            var db = p.Item2 - centres[c].Item2;
            var d = (dl * dl) + (da * da) + (db * db);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }

        return best;
    }

    private static string ToHex(Vec3f bgr)
    {
        static int Byte(float v) => Math.Clamp((int)Math.Round(v * 255), 0, 255);
        return $"#{Byte(bgr.Item2):X2}{Byte(bgr.Item1):X2}{Byte(bgr.Item0):X2}";
    }
}
