using VideoStyler.Stylize;

namespace VideoStyler.Tests.Stylize;

public class FrameGeometryTests
{
    private static ModelConvention Fixed(int w, int h) => new() { InputName = "i", OutputName = "o", FixedWidth = w, FixedHeight = h };

    private static ModelConvention Free(int multiple) => new() { InputName = "i", OutputName = "o", SizeMultiple = multiple };

    [Fact]
    public void Fixed_size_models_letterbox_without_squashing()
    {
        var g = FrameGeometry.Compute(1280, 720, 720, Fixed(720, 720));

        // 16:9 at short side 720 is 1280x720: too wide, so it is fitted to 720 wide, keeping 16:9.
        Assert.Equal((720, 405), (g.ContentWidth, g.ContentHeight));
        Assert.Equal((720, 720), (g.TensorWidth, g.TensorHeight));
        Assert.InRange((double)g.ContentWidth / g.ContentHeight, 1280.0 / 720 - 0.01, 1280.0 / 720 + 0.01);
    }

    [Fact]
    public void Small_processing_sizes_are_padded_up_to_a_fixed_model()
    {
        var g = FrameGeometry.Compute(640, 480, 240, Fixed(720, 720));

        Assert.Equal((320, 240), (g.ContentWidth, g.ContentHeight));
        Assert.True(g.NeedsPadding);
        Assert.True(g.NeedsResize);
    }

    [Fact]
    public void Free_models_pad_to_their_multiple()
    {
        var g = FrameGeometry.Compute(643, 361, 361, Free(4));

        Assert.Equal((643, 361), (g.ContentWidth, g.ContentHeight));
        Assert.Equal((644, 364), (g.TensorWidth, g.TensorHeight));
        Assert.False(g.NeedsResize);
    }
}
