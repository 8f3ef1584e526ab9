using OpenCvSharp;
using OpenCvSharp.Internal;

namespace VideoStyler.Pipeline;

/// <summary>
/// The few OpenCV calls of the frame path, without per-call garbage. OpenCvSharp's Cv2 functions wrap
/// every Mat argument in a new InputArray/OutputArray (managed objects with finalizers over a native
/// allocation, ~200 bytes each, and the OutputArray disposes itself after the call, so it cannot be
/// kept). The Mats of the frame path live as long as the run (pooled frames, stage buffers), so here
/// their native cv::_InputArray / cv::_OutputArray proxies are created once, kept per Mat and passed
/// straight to OpenCvSharp's native entry points. A proxy refers to the Mat header, so it always sees
/// the Mat's current data. One instance per stage; not thread-safe.
/// </summary>
public sealed class MatCalls : IDisposable
{
    private readonly Dictionary<Mat, IntPtr> _inputs = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Mat, IntPtr> _outputs = new(ReferenceEqualityComparer.Instance);

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

        _inputs.Clear();
        _outputs.Clear();
    }
}
