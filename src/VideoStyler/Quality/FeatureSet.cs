using OpenCvSharp;

namespace VideoStyler.Quality;

/// <summary>
/// The features of one picture (<see cref="FeatureNetwork.Extract"/>): per layer the activation map as a
/// C x (H*W) float matrix and its Gram matrix G = F F^T / (C H W), the channel co-activations averaged over
/// positions: texture statistics that do not depend on where in the picture a pattern sits, nor (through the
/// division) on the picture's size or channel count.
/// </summary>
internal sealed class FeatureSet : IDisposable
{
    private readonly Mat[] _maps;
    private readonly Mat[] _grams;

    internal FeatureSet(Mat[] maps)
    {
        _maps = maps;
        _grams = new Mat[maps.Length];
        for (var i = 0; i < maps.Length; i++)
        {
            var gram = new Mat();
            Cv2.MulTransposed(maps[i], gram, aTa: false, delta: null, scale: 1.0 / ((double)maps[i].Rows * maps[i].Cols), dtype: MatType.CV_32FC1.Value);
            _grams[i] = gram;
        }
    }

    public int LayerCount => _maps.Length;

    /// <summary>Layer <paramref name="layer"/>'s activations, C x (H*W).</summary>
    public Mat Map(int layer) => _maps[layer];

    /// <summary>Layer <paramref name="layer"/>'s Gram matrix, C x C.</summary>
    public Mat Gram(int layer) => _grams[layer];

    /// <summary>||G_l(a) - G_l(b)||^2 (squared Frobenius norm).</summary>
    public static double GramDistance(FeatureSet a, FeatureSet b, int layer) => Cv2.Norm(a._grams[layer], b._grams[layer], NormTypes.L2SQR);

    /// <summary>
    /// ||F_l(a) - F_l(b)||^2 / (C H W): the mean squared activation difference (the two pictures must have had
    /// the same processing size).
    /// </summary>
    public static double FeatureDistance(FeatureSet a, FeatureSet b, int layer)
    {
        var map = a._maps[layer];
        if (map.Size() != b._maps[layer].Size())
        {
            throw new ArgumentException("content distances need two pictures of the same size", nameof(b));
        }

        return Cv2.Norm(map, b._maps[layer], NormTypes.L2SQR) / ((double)map.Rows * map.Cols);
    }

    public void Dispose()
    {
        foreach (var mat in _maps.Concat(_grams))
        {
            mat.Dispose();
        }
    }
}
