using OpenCvSharp;
using VideoStyler.Frames;

namespace VideoStyler.Tests.Flow;

public sealed class MatBuffersTests
{
    [Fact]
    public void Dispose_DisposesEverythingItMadeOrWasGiven_Once()
    {
        var buffers = new MatBuffers();
        var made = buffers.New(4, 4, MatType.CV_8UC1);
        var filled = buffers.New(new Size(2, 2), MatType.CV_32FC2, Scalar.All(1));
        var empty = buffers.Empty();
        var given = buffers.Own(new Mat(3, 3, MatType.CV_8UC3));
        Assert.Equal(1f, filled.At<Vec2f>(1, 1).Item0);

        buffers.Dispose();
        buffers.Dispose();

        Assert.All([made, filled, empty, given], mat => Assert.True(mat.IsDisposed));
    }
}
