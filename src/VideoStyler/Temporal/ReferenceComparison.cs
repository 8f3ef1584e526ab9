using OpenCvSharp;

namespace VideoStyler.Temporal;

/// <summary>Running retention and sharpness of an output against the per-frame reference and the input.</summary>
internal sealed class ReferenceComparison : IDisposable
{
    private readonly Mat _difference = new();
    private readonly Mat _gray = new();
    private readonly Mat _laplacian = new();
    private double _outputToReference;
    private double _referenceToInput;
    private double _outputDetail;
    private double _referenceDetail;

    /// <summary>1 - mean|O - R| / mean|R - I|: the share of the per-frame stylization that survives.</summary>
    public double Retention => _referenceToInput == 0 ? 1 : 1 - _outputToReference / _referenceToInput;

    /// <summary>Mean Laplacian variance of the output over that of the reference.</summary>
    public double Sharpness => _referenceDetail == 0 ? 1 : _outputDetail / _referenceDetail;

    public void Add(Mat input, Mat output, Mat reference)
    {
        _outputToReference += AbsoluteDifferenceSum(output, reference);
        _referenceToInput += AbsoluteDifferenceSum(reference, input);
        _outputDetail += LaplacianVariance(output);
        _referenceDetail += LaplacianVariance(reference);
    }

    public void Dispose()
    {
        _difference.Dispose();
        _gray.Dispose();
        _laplacian.Dispose();
    }

    private double AbsoluteDifferenceSum(Mat a, Mat b)
    {
        Cv2.Absdiff(a, b, _difference);
        var sum = Cv2.Sum(_difference);
        return sum.Val0 + sum.Val1 + sum.Val2;
    }

    private double LaplacianVariance(Mat image)
    {
        Cv2.CvtColor(image, _gray, ColorConversionCodes.BGR2GRAY);
        Cv2.Laplacian(_gray, _laplacian, MatType.CV_32F);
        Cv2.MeanStdDev(_laplacian, out _, out var stddev);
        return stddev.Val0 * stddev.Val0;
    }
}
