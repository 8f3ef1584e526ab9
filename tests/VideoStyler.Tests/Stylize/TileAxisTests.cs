using VideoStyler.Stylize;

namespace VideoStyler.Tests.Stylize;

public class TileAxisTests
{
    [Theory]
    [InlineData(3840, 1280, 160, 4)]
    [InlineData(2160, 1280, 160, 4)]
    [InlineData(640, 256, 64, 4)]
    [InlineData(481, 256, 64, 1)]
    [InlineData(1300, 1280, 160, 8)]
    public void Tiles_cover_the_axis_with_the_overlap_and_weights_sum_to_one(int length, int maxTile, int overlap, int multiple)
    {
        var axis = TileAxis.Plan(length, maxTile, overlap, multiple, fixedTile: null);

        Assert.True(axis.Count > 1);
        Assert.InRange(axis.TileLength, 1, maxTile);
        Assert.Equal(0, axis.TileLength % multiple);
        Assert.Equal(length, axis.CanvasLength);
        Assert.Equal(0, axis.Starts[0]);
        Assert.Equal(length, axis.Starts[^1] + axis.TileLength);
        for (var i = 1; i < axis.Count; i++)
        {
            Assert.InRange(axis.Starts[i - 1] + axis.TileLength - axis.Starts[i], overlap - 1, axis.TileLength / 2);
        }

        var sums = new double[axis.CanvasLength];
        var weights = axis.FeatherWeights();
        for (var i = 0; i < axis.Count; i++)
        {
            for (var p = 0; p < axis.TileLength; p++)
            {
                sums[axis.Starts[i] + p] += weights[i][p];
            }
        }

        Assert.All(sums, s => Assert.InRange(s, 0.9999, 1.0001));
        // A tile's cut edges (not the frame's borders) carry (almost) no weight.
        Assert.InRange(weights[1][0], 0, 0.001);
        Assert.InRange(weights[0][axis.TileLength - 1], 0, 0.001);
        Assert.Equal(1, weights[0][0], 3);
        Assert.Equal(1, weights[^1][axis.TileLength - 1], 3);
    }

    [Fact]
    public void A_short_axis_is_one_tile_padded_to_the_multiple()
    {
        var axis = TileAxis.Plan(1078, 1280, 160, 4, fixedTile: null);

        Assert.Equal(1, axis.Count);
        Assert.Equal(1080, axis.TileLength);
        Assert.Equal(1080, axis.CanvasLength);
        Assert.All(axis.FeatherWeights()[0], w => Assert.Equal(1f, w));
    }

    [Fact]
    public void Fixed_size_models_tile_at_their_own_size()
    {
        var axis = TileAxis.Plan(1920, 1280, 90, 1, fixedTile: 720);

        Assert.Equal(720, axis.TileLength);
        Assert.Equal(3, axis.Count);
        Assert.Equal(1920, axis.Starts[^1] + 720);

        var narrow = TileAxis.Plan(600, 1280, 90, 1, fixedTile: 720);
        Assert.Equal((1, 720, 720), (narrow.Count, narrow.TileLength, narrow.CanvasLength));
    }
}
