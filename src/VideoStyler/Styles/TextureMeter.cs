using OpenCvSharp;

namespace VideoStyler.Styles;

/// <summary>
/// Where a picture's detail sits in scale: the picture is brought to <see cref="WorkingSide"/> px on
/// its long side (grayscale), split into a Laplacian pyramid (band l = Gaussian level l minus level
/// l+1 brought back up) and each band's mean squared value taken at its own resolution. Fine strokes
/// put their energy in the first bands, broad flat shapes with a few strong edges in the last ones
/// (an edge covers the same few pixels at every level, and each level has a quarter of the pixels).
/// </summary>
internal static class TextureMeter
{
    public const int WorkingSide = 512;
    public const int Bands = 5;

    /// <summary>Each band's share of the detail energy (finest first) and their energy-weighted mean level.</summary>
    public static (double[] Shares, double Octave) Measure(Mat bgr)
    {
        using var gray = new Mat();
        Cv2.CvtColor(bgr, gray, ColorConversionCodes.BGR2GRAY);
        using var level = new Mat();
        var longSide = Math.Max(gray.Cols, gray.Rows);
        var scale = (double)WorkingSide / longSide;
        var size = new Size(Math.Max(1, (int)Math.Round(gray.Cols * scale)), Math.Max(1, (int)Math.Round(gray.Rows * scale)));
        using var resized = new Mat();
        Cv2.Resize(gray, resized, size, 0, 0, scale < 1 ? InterpolationFlags.Area : InterpolationFlags.Linear);
        resized.ConvertTo(level, MatType.CV_32F, 1.0 / 255);

        var energies = new double[Bands];
        var current = level.Clone();
        try
        {
            for (var band = 0; band < Bands; band++)
            {
                if (current.Cols < 2 || current.Rows < 2)
                {
                    break;
                }

                using var down = new Mat();
                Cv2.PyrDown(current, down);
                using var up = new Mat();
                Cv2.PyrUp(down, up, current.Size());
                using var detail = new Mat();
                Cv2.Subtract(current, up, detail);
                var norm = Cv2.Norm(detail, NormTypes.L2);
                energies[band] = norm * norm / (detail.Rows * detail.Cols);
                current.Dispose();
                current = down.Clone();
            }
        }
        finally
        {
            current.Dispose();
        }

        var total = energies.Sum();
        if (total <= 0)
        {
            return (new double[Bands], 0);
        }

        var shares = energies.Select(e => e / total).ToArray();
        var octave = shares.Select((s, i) => s * i).Sum();
        return (shares, octave);
    }
}
