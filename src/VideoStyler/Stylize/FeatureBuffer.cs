using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

namespace VideoStyler.Stylize;

/// <summary>
/// One set of bottleneck features for <see cref="FeatureFlowStylizer"/>: a pinned [1, C, H, W] float tensor, the
/// <see cref="OrtValue"/> over it (bound as the encoder's output and the decoder's input), and one OpenCV header per
/// channel over the part of the plane the picture covers (the rest is the tensor's padding). Each of the stylizer's
/// slots holds one (<see cref="FeatureSlot"/>); frame n writes slot n mod the slot count and reads the previous slot
/// as its history, so no frame copies its features into a history buffer.
/// </summary>
internal sealed class FeatureBuffer : IDisposable
{
    private readonly float[] _data;
    private readonly Mat[] _planeHeaders;

    public FeatureBuffer(long[] shape, Rect content)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var (channels, height, width) = ((int)shape[1], (int)shape[2], (int)shape[3]);
        var plane = height * width;
        _data = GC.AllocateArray<float>(channels * plane, pinned: true);
        Value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _data.AsMemory(), shape);
        _planeHeaders = new Mat[channels];
        Planes = new Mat[channels];
        for (var c = 0; c < channels; c++)
        {
            _planeHeaders[c] = PlaneHeader(_data, c * plane, height, width);
            Planes[c] = new Mat(_planeHeaders[c], content);
        }
    }

    /// <summary>The tensor, for the IoBindings.</summary>
    public OrtValue Value { get; }

    /// <summary>Per channel, the picture's part of the plane (ROI headers over the pinned tensor).</summary>
    public Mat[] Planes { get; }

    private static unsafe Mat PlaneHeader(float[] pinned, int offset, int height, int width) =>
        Mat.FromPixelData(height, width, MatType.CV_32FC1, (IntPtr)System.Runtime.CompilerServices.Unsafe.AsPointer(ref pinned[offset]));

    public void Dispose()
    {
        foreach (var mat in Planes.Concat(_planeHeaders))
        {
            mat.Dispose();
        }

        Value.Dispose();
    }
}
