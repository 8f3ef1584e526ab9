using OpenCvSharp;
using OpenCvSharp.Internal;

namespace VideoStyler.Frames;

/// <summary>
/// The OpenCV calls of the frame path (stylize and temporal stages), without per-call garbage. OpenCvSharp's Cv2 functions wrap
/// every Mat argument in a new InputArray/OutputArray (managed objects with finalizers over a native
/// allocation, ~200 bytes each, and the OutputArray disposes itself after the call, so it cannot be
/// kept). The Mats of the frame path live as long as the run (pooled frames, stage buffers), so here
/// their native cv::_InputArray / cv::_OutputArray proxies are created once, kept per Mat and passed
/// straight to OpenCvSharp's native entry points. A proxy refers to the Mat header, so it always sees
/// the Mat's current data. One instance per stage; not thread-safe.
/// </summary>
internal sealed class MatCalls : IDisposable
{
    private readonly Dictionary<Mat, IntPtr> _inputs = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Mat, IntPtr> _outputs = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Scalar, (IntPtr Array, IntPtr Holder)> _scalars = [];
    private readonly IntPtr[] _three = new IntPtr[3];

    /// <summary>cv::resize into <paramref name="destination"/>, which must already have the target size and type.</summary>
    public void Resize(Mat source, Mat destination, InterpolationFlags interpolation)
    {
        var size = new Size(destination.Cols, destination.Rows);
        NativeMethods.HandleException(NativeMethods.imgproc_resize(In(source), Out(destination), size, 0, 0, (int)interpolation));
        GC.KeepAlive(source);
        GC.KeepAlive(destination);
    }

    /// <summary>cv::copyMakeBorder: <paramref name="source"/> at the top left of <paramref name="destination"/>, the rest extrapolated.</summary>
    public void PadBottomRight(Mat source, Mat destination, BorderTypes border)
    {
        var bottom = destination.Rows - source.Rows;
        var right = destination.Cols - source.Cols;
        NativeMethods.HandleException(NativeMethods.core_copyMakeBorder(In(source), Out(destination), 0, bottom, 0, right, (int)border, default));
        GC.KeepAlive(source);
        GC.KeepAlive(destination);
    }

    /// <summary>cv::copyTo (same size and type).</summary>
    public void Copy(Mat source, Mat destination)
    {
        NativeMethods.HandleException(NativeMethods.core_copyTo(In(source), Out(destination), IntPtr.Zero));
        GC.KeepAlive(source);
        GC.KeepAlive(destination);
    }

    /// <summary>cv::cvtColor.</summary>
    public void CvtColor(Mat source, Mat destination, ColorConversionCodes code)
    {
        NativeMethods.HandleException(NativeMethods.imgproc_cvtColor(In(source), Out(destination), (int)code, 0));
        Keep(source, destination);
    }

    /// <summary>cv::multiply by a constant per channel.</summary>
    public void Multiply(Mat source, Scalar factors, Mat destination)
    {
        NativeMethods.HandleException(NativeMethods.core_multiply(In(source), In(factors), Out(destination), 1, -1));
        Keep(source, destination);
    }

    /// <summary>cv::add of two Mats.</summary>
    public void Add(Mat first, Mat second, Mat destination)
    {
        NativeMethods.HandleException(NativeMethods.core_add(In(first), In(second), Out(destination), IntPtr.Zero, -1));
        Keep(first, second);
        GC.KeepAlive(destination);
    }

    /// <summary>cv::subtract of two Mats (first - second).</summary>
    public void Subtract(Mat first, Mat second, Mat destination)
    {
        NativeMethods.HandleException(NativeMethods.core_subtract_InputArray2(In(first), In(second), Out(destination), IntPtr.Zero, -1));
        Keep(first, second);
        GC.KeepAlive(destination);
    }

    /// <summary>cv::multiply of two Mats, element by element.</summary>
    public void Multiply(Mat first, Mat second, Mat destination)
    {
        NativeMethods.HandleException(NativeMethods.core_multiply(In(first), In(second), Out(destination), 1, -1));
        Keep(first, second);
        GC.KeepAlive(destination);
    }

    /// <summary>
    /// cv::blendLinear: destination = (weights1 x first + weights2 x second) / (weights1 + weights2), per pixel
    /// (8-bit or 32-bit float; one pass where subtract, multiply and add take three).
    /// </summary>
    public void BlendLinear(Mat first, Mat second, Mat weights1, Mat weights2, Mat destination)
    {
        NativeMethods.HandleException(NativeMethods.imgproc_blendLinear(In(first), In(second), In(weights1), In(weights2), Out(destination)));
        Keep(first, second);
        Keep(weights1, weights2);
        GC.KeepAlive(destination);
    }

    /// <summary>cv::absdiff.</summary>
    public void AbsDiff(Mat first, Mat second, Mat destination)
    {
        NativeMethods.HandleException(NativeMethods.core_absdiff(In(first), In(second), Out(destination)));
        Keep(first, second);
        GC.KeepAlive(destination);
    }

    /// <summary>cv::max with a constant.</summary>
    public static void Max(Mat source, double value, Mat destination)
    {
        NativeMethods.HandleException(NativeMethods.core_max_MatDouble(source.CvPtr, value, destination.CvPtr));
        Keep(source, destination);
    }

    /// <summary>cv::divide(scale, src): scale / x per element.</summary>
    public void DivideInto(double scale, Mat source, Mat destination)
    {
        NativeMethods.HandleException(NativeMethods.core_divide1(scale, In(source), Out(destination), -1));
        Keep(source, destination);
    }

    /// <summary>cv::merge of one single-channel Mat three times (a per-pixel factor for every colour channel).</summary>
    public void MergeThrice(Mat plane, Mat destination)
    {
        _three[0] = _three[1] = _three[2] = plane.CvPtr;
        NativeMethods.HandleException(NativeMethods.core_merge(_three, 3, destination.CvPtr));
        Keep(plane, destination);
    }

    /// <summary>Mat::setTo a constant.</summary>
    public static void Fill(Mat mat, Scalar value)
    {
        NativeMethods.HandleException(NativeMethods.core_Mat_setTo_Scalar(mat.CvPtr, value, IntPtr.Zero));
        GC.KeepAlive(mat);
    }

    /// <summary>Mat::convertTo.</summary>
    public void ConvertTo(Mat source, Mat destination, MatType type, double alpha = 1, double beta = 0)
    {
        NativeMethods.HandleException(NativeMethods.core_Mat_convertTo(source.CvPtr, Out(destination), type, alpha, beta));
        Keep(source, destination);
    }

    /// <summary>cv::remap (<paramref name="map2"/> may be an empty Mat).</summary>
    public void Remap(Mat source, Mat destination, Mat map1, Mat map2, InterpolationFlags interpolation, BorderTypes border, Scalar borderValue = default)
    {
        NativeMethods.HandleException(NativeMethods.imgproc_remap(
            In(source), Out(destination), In(map1), In(map2), (int)interpolation, (int)border, borderValue));
        Keep(source, destination);
        Keep(map1, map2);
    }

    /// <summary>cv::convertMaps.</summary>
    public void ConvertMaps(Mat map1, Mat map2, Mat destination1, Mat destination2, MatType type, bool nearestNeighbour)
    {
        NativeMethods.HandleException(NativeMethods.imgproc_convertMaps(
            In(map1), In(map2), Out(destination1), Out(destination2), type, nearestNeighbour ? 1 : 0));
        Keep(map1, map2);
        Keep(destination1, destination2);
    }

    /// <summary>cv::blur with a box of <paramref name="size"/> and the default border.</summary>
    public void Blur(Mat source, Mat destination, Size size)
    {
        NativeMethods.HandleException(NativeMethods.imgproc_blur(In(source), Out(destination), size, new Point(-1, -1), (int)BorderTypes.Default));
        Keep(source, destination);
    }

    /// <summary>cv::erode once with <paramref name="kernel"/>, OpenCV's default border (which never erodes from outside).</summary>
    public void Erode(Mat source, Mat destination, Mat kernel)
    {
        NativeMethods.HandleException(NativeMethods.imgproc_erode(
            In(source), Out(destination), In(kernel), new Point(-1, -1), 1, (int)BorderTypes.Constant, Scalar.All(double.MaxValue)));
        Keep(source, destination);
        GC.KeepAlive(kernel);
    }

    /// <summary>cv::mean of the first channel.</summary>
    public double Mean(Mat source)
    {
        NativeMethods.HandleException(NativeMethods.core_mean(In(source), IntPtr.Zero, out var mean));
        GC.KeepAlive(source);
        return mean.Val0;
    }

    /// <summary>cv::meanStdDev of the first channel: its mean and its (population) standard deviation.</summary>
    public (double Mean, double StdDev) MeanStdDev(Mat source)
    {
        NativeMethods.HandleException(NativeMethods.core_meanStdDev_Scalar(In(source), out var mean, out var stdDev, IntPtr.Zero));
        GC.KeepAlive(source);
        return (mean.Val0, stdDev.Val0);
    }

    /// <summary>cv::calcOpticalFlowFarneback; <paramref name="flow"/> is read as the initial guess when the flags ask for it.</summary>
    public void Farneback(
        Mat from, Mat to, Mat flow, double pyramidScale, int levels, int windowSize, int iterations, int polyN, double polySigma, OpticalFlowFlags flags)
    {
        NativeMethods.HandleException(NativeMethods.video_calcOpticalFlowFarneback(
            In(from), In(to), Out(flow), pyramidScale, levels, windowSize, iterations, polyN, polySigma, (int)flags));
        Keep(from, to);
        GC.KeepAlive(flow);
    }

    private static void Keep(Mat first, Mat second)
    {
        GC.KeepAlive(first);
        GC.KeepAlive(second);
    }

    private IntPtr In(Scalar value)
    {
        if (!_scalars.TryGetValue(value, out var proxy))
        {
            // The native side keeps its own copy of the scalar (holder) and the array proxy over it.
            NativeMethods.HandleException(NativeMethods.core_InputArray_new_byScalar(value, out var holder, out var array));
            proxy = (array, holder);
            _scalars.Add(value, proxy);
        }

        return proxy.Array;
    }

    private IntPtr In(Mat mat)
    {
        if (!_inputs.TryGetValue(mat, out var proxy))
        {
            NativeMethods.HandleException(NativeMethods.core_InputArray_new_byMat(mat.CvPtr, out proxy));
            _inputs.Add(mat, proxy);
        }

        return proxy;
    }

    private IntPtr Out(Mat mat)
    {
        if (!_outputs.TryGetValue(mat, out var proxy))
        {
            NativeMethods.HandleException(NativeMethods.core_OutputArray_new_byMat(mat.CvPtr, out proxy));
            _outputs.Add(mat, proxy);
        }

        return proxy;
    }

    public void Dispose()
    {
        foreach (var proxy in _inputs.Values)
        {
            NativeMethods.HandleException(NativeMethods.core_InputArray_delete(proxy));
        }

        foreach (var proxy in _outputs.Values)
        {
            NativeMethods.HandleException(NativeMethods.core_OutputArray_delete(proxy));
        }

        foreach (var (array, holder) in _scalars.Values)
        {
            NativeMethods.HandleException(NativeMethods.core_InputArray_delete_withScalar(array, holder));
        }

        _inputs.Clear();
        _outputs.Clear();
        _scalars.Clear();
    }
}
