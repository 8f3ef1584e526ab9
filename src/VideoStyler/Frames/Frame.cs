using OpenCvSharp;

namespace VideoStyler.Frames;

/// <summary>
/// One video frame travelling through the pipeline: the decoded source picture and the stylized
/// picture, both BGR24, both in pinned buffers owned by a <see cref="FramePool"/>. The Mat headers are
/// created once per buffer, so passing a frame around allocates nothing.
/// Ownership: whoever holds the frame last calls <see cref="Release"/>.
/// </summary>
internal sealed class Frame : IDisposable
{
    private readonly FramePool _pool;

    internal Frame(FramePool pool, int width, int height)
    {
        _pool = pool;
        Width = width;
        Height = height;
        Source = GC.AllocateArray<byte>(width * height * 3, pinned: true);
        Output = GC.AllocateArray<byte>(width * height * 3, pinned: true);
        SourceMat = WrapPinned(Source, width, height);
        OutputMat = WrapPinned(Output, width, height);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Decoded picture, BGR24, row-major, no padding between rows.</summary>
    public byte[] Source { get; }

    /// <summary>Stylized picture, BGR24, same geometry as <see cref="Source"/>.</summary>
    public byte[] Output { get; }

    public Mat SourceMat { get; }

    public Mat OutputMat { get; }

    /// <summary>Position of the frame in the stream, from 0.</summary>
    public long Index { get; set; }

    /// <summary>Presentation time in milliseconds from the start of the input (kept through to the output).</summary>
    public long PresentationMs { get; set; }

    /// <summary>Stopwatch timestamp taken when the frame was captured/decoded (for latency figures).</summary>
    public long CapturedAt { get; set; }

    /// <summary>
    /// No new picture in this frame: live mode sends it while its source is lost, and the output stage
    /// fills it with the last output (or a placeholder card) so the sinks keep their rate.
    /// </summary>
    public bool IsFiller { get; set; }

    /// <summary>Gives the frame back to its pool. The caller must not touch it afterwards.</summary>
    public void Release() => _pool.Return(this);

    public void Dispose()
    {
        SourceMat.Dispose();
        OutputMat.Dispose();
    }

    private static unsafe Mat WrapPinned(byte[] buffer, int width, int height)
    {
        // The array is allocated on the pinned object heap, so its address never changes.
        var pointer = (IntPtr)System.Runtime.CompilerServices.Unsafe.AsPointer(ref buffer[0]);
        return Mat.FromPixelData(height, width, MatType.CV_8UC3, pointer);
    }
}
