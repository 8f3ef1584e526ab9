namespace VideoStyler.Temporal;

/// <summary>
/// The best possible temporal filter for one pixel value over a whole clip, knowing every frame in advance:
/// the series o minimizing sum_t |o_t - r_t| + lambda sum_t (o_t - o_{t-1})^2 for the per-frame series r.
/// The first term is what <see cref="ReferenceComparison"/> counts as lost style (retention), the second
/// what E_warp counts as flicker where the flow is zero; lambda sets the exchange rate. Solved by ADMM
/// (split z = o - r: a tridiagonal solve for o, a soft threshold for z), which converges to the optimum of
/// this convex problem. Used by <see cref="FlickerFrontier"/> to bound what any temporal stage can reach.
/// </summary>
internal sealed class ChangePenaltySolver
{
    private readonly int _length;
    private readonly double _lambda;
    private readonly double _rho;
    private readonly double _offDiagonal;
    private readonly double[] _pivot;
    private readonly double[] _upper;
    private readonly double[] _rhs;
    private readonly double[] _z;
    private readonly double[] _u;

    /// <param name="length">Series length (frames), at least 2.</param>
    /// <param name="lambda">Weight of the squared change against the absolute loss, positive.</param>
    public ChangePenaltySolver(int length, double lambda)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lambda);
        _length = length;
        _lambda = lambda;

        // rho on the scale of the smoothing curvature (2 lambda times D'D's eigenvalues, 0..4) converges in a
        // few hundred iterations for every lambda we use; the floor keeps the threshold 1/rho finite.
        _rho = Math.Max(1e-3, 2 * lambda);
        _offDiagonal = -2 * lambda;
        _pivot = new double[length];
        _upper = new double[length];
        _rhs = new double[length];
        _z = new double[length];
        _u = new double[length];

        // Thomas factorization of A = 2 lambda D'D + rho I (D the first difference), done once.
        for (var t = 0; t < length; t++)
        {
            var diagonal = _rho + (2 * lambda * (t == 0 || t == length - 1 ? 1 : 2));
            _pivot[t] = t == 0 ? diagonal : diagonal - (_offDiagonal * _upper[t - 1]);
            _upper[t] = _offDiagonal / _pivot[t];
        }
    }

    /// <summary>Writes the optimal series for <paramref name="reference"/> into <paramref name="result"/>.</summary>
    public void Solve(ReadOnlySpan<float> reference, Span<double> result, int iterations = 300)
    {
        if (reference.Length != _length || result.Length != _length)
        {
            throw new ArgumentException($"Expected series of {_length} values.", nameof(reference));
        }

        Array.Clear(_z);
        Array.Clear(_u);
        var threshold = 1 / _rho;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            // o = A^-1 rho (r + z - u): forward sweep, then back substitution.
            for (var t = 0; t < _length; t++)
            {
                var value = _rho * (reference[t] + _z[t] - _u[t]);
                _rhs[t] = t == 0 ? value / _pivot[0] : (value - (_offDiagonal * _rhs[t - 1])) / _pivot[t];
            }

            result[_length - 1] = _rhs[_length - 1];
            for (var t = _length - 2; t >= 0; t--)
            {
                result[t] = _rhs[t] - (_upper[t] * result[t + 1]);
            }

            // z = soft threshold of (o - r + u) at 1/rho; u accumulates the residual o - r - z.
            for (var t = 0; t < _length; t++)
            {
                var v = result[t] - reference[t] + _u[t];
                _z[t] = Math.Sign(v) * Math.Max(0, Math.Abs(v) - threshold);
                _u[t] = v - _z[t];
            }
        }
    }

    /// <summary>The objective sum |o - r| + lambda sum (o_t - o_{t-1})^2 of a candidate series.</summary>
    public double Objective(ReadOnlySpan<float> reference, ReadOnlySpan<double> series)
    {
        var total = 0.0;
        for (var t = 0; t < _length; t++)
        {
            total += Math.Abs(series[t] - reference[t]);
            if (t > 0)
            {
                var change = series[t] - series[t - 1];
                total += _lambda * change * change;
            }
        }

        return total;
    }
}
