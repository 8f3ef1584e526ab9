using OpenCvSharp;
using VideoStyler.Stylize;

namespace VideoStyler.Tests.Stylize;

/// <summary>
/// The span/SIMD packing against OpenCV doing the same with split/merge and convertTo, on pixel
/// counts that are not a multiple of the vector width (so the scalar tails run too).
/// </summary>
public sealed class TensorPackingTests
{
    [Theory]
    [InlineData(37, 23, false, 1f, 0f)]
    [InlineData(64, 48, true, 1f / 127.5f, -1f)]
    [InlineData(5, 3, true, 1f / 255f, 0f)]
    public void Planar_round_trip_matches_opencv(int width, int height, bool rgb, float scale, float offset)
    {
        using var picture = RandomPicture(width, height);
        var pixels = width * height;
        var tensor = new float[3 * pixels];
        var scratch = new byte[3 * pixels];
        TensorPacking.ToPlanar(Bytes(picture), tensor, scratch, pixels, rgb, scale, offset);

        Cv2.Split(picture, out var channels);
        for (var plane = 0; plane < 3; plane++)
        {
            using var expected = new Mat();
            channels[rgb ? 2 - plane : plane].ConvertTo(expected, MatType.CV_32FC1, scale, offset);
            expected.GetArray(out float[] values);
            Assert.Equal(values, tensor.AsSpan(plane * pixels, pixels).ToArray());
        }

        // Back, from the model's range, after a change the way a model changes values (overshoot included).
        for (var i = 0; i < tensor.Length; i++)
        {
            tensor[i] = (tensor[i] * 1.3f) - (0.1f / scale * scale);
        }

        var bytes = new byte[3 * pixels];
        TensorPacking.FromPlanar(tensor, bytes, scratch, pixels, rgb, 1f / scale, -offset / scale);
        using var reference = new Mat();
        var planes = Enumerable.Range(0, 3).Select(p => Mat.FromPixelData(height, width, MatType.CV_32FC1, tensor.AsSpan(p * pixels, pixels).ToArray())).ToArray();
        Cv2.Merge(rgb ? [planes[2], planes[1], planes[0]] : planes, reference);
        using var expected8 = new Mat();
        reference.ConvertTo(expected8, MatType.CV_8UC3, 1f / scale, -offset / scale);
        AssertWithinOne(Bytes(expected8).ToArray(), bytes);
        foreach (var mat in planes.Concat(channels))
        {
            mat.Dispose();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Interleaved_round_trip_keeps_the_picture_and_orders_channels(bool rgb)
    {
        using var picture = RandomPicture(19, 7);
        var pixels = 19 * 7;
        var tensor = new float[3 * pixels];
        TensorPacking.ToInterleaved(Bytes(picture), tensor, new byte[3 * pixels], pixels, rgb, 2f, 1f);
        var source = Bytes(picture).ToArray();
        for (var p = 0; p < pixels; p++)
        {
            Assert.Equal((source[3 * p] * 2f) + 1f, tensor[(3 * p) + (rgb ? 2 : 0)]);
            Assert.Equal((source[(3 * p) + 2] * 2f) + 1f, tensor[(3 * p) + (rgb ? 0 : 2)]);
        }

        var back = new byte[3 * pixels];
        TensorPacking.FromInterleaved(tensor, back, pixels, rgb, 0.5f, -0.5f);
        Assert.Equal(source, back);
    }

    [Fact]
    public void Out_of_range_and_nan_saturate()
    {
        float[] values = [-5f, 0.49f, 0.5f, 254.6f, 300f, float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        var many = Enumerable.Repeat(values, 12).SelectMany(v => v).ToArray(); // vector body and tail
        var bytes = new byte[many.Length];
        TensorPacking.FloatsToBytes(many, bytes, 1f, 0f);
        for (var i = 0; i < many.Length; i += values.Length)
        {
            Assert.Equal(new byte[] { 0, 0, 1, 255, 255, 0, 255, 0 }, bytes.AsSpan(i, values.Length).ToArray());
        }
    }

    private static Mat RandomPicture(int width, int height)
    {
        var picture = new Mat(height, width, MatType.CV_8UC3);
        Cv2.Randu(picture, Scalar.All(0), Scalar.All(256));
        return picture;
    }

    private static unsafe Span<byte> Bytes(Mat mat) => new((void*)mat.Data, mat.Rows * mat.Cols * 3);

    private static void AssertWithinOne(byte[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1, $"byte {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
