using VideoStyler.Pipeline;
using VideoStyler.Models;
using VideoStyler.Stills;

namespace VideoStyler.Tests.Stills;

/// <summary>Which size a still is processed at: its own unless --size is given, within bounds.</summary>
public class StillProcessingSizeTests
{
    private static readonly StylizeOptions Defaults = new()
    {
        InputPath = "in.jpg",
        OutputPath = "out.png",
        Library = StyleLibrary.CreateDefault(),
    };

    [Theory]
    [InlineData(4000, 3000, 3000)] // a phone photo: its own size (tiled above --max-tile)
    [InlineData(451, 300, 300)]
    [InlineData(1, 1, StillStylizer.MinimumProcessingSize)] // scaled up for the model, back down after
    [InlineData(20000, 15000, StillStylizer.MaximumDefaultProcessingSize)]
    public void Without_size_a_still_is_processed_at_its_own_size_within_bounds(int width, int height, int expected)
    {
        Assert.Equal(expected, StillStylizer.ProcessingSize(Defaults, width, height));
    }

    [Fact]
    public void An_explicit_size_wins()
    {
        var options = Defaults with { ProcessingSize = 360, ProcessingSizeGiven = true };

        Assert.Equal(360, StillStylizer.ProcessingSize(options, 4000, 3000));
        Assert.Equal(360, StillStylizer.ProcessingSize(options, 20, 10));
    }

    [Theory]
    [InlineData("photo.jpg", "out.png", true)]
    [InlineData("photo.JPEG", "out.TIFF", true)]
    [InlineData("clip.mp4", "frame.webp", true)] // refused by the still path with a clear line
    [InlineData("clip.mp4", "out.mkv", false)]
    public void Image_outputs_go_the_still_way(string input, string output, bool still)
    {
        Assert.Equal(still, StillStylizer.Handles(input, output));
    }
}
