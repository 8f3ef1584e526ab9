using System.Globalization;
using VideoStyler.Media;

namespace VideoStyler.Tests.Media;

/// <summary>The argument builder: one word per item, in order, numbers in the invariant culture.</summary>
public class FfmpegArgumentsTests
{
    [Fact]
    public void Options_inputs_and_outputs_come_out_as_words_in_order()
    {
        var args = FfmpegArguments.Quiet()
            .When(true, a => a.Seconds("-ss", 1.5))
            .When(false, a => a.Flag("-never"))
            .Format("matroska").Input("in put.mkv")
            .Metadata("title", "a b", "s:a:0")
            .Words(["-crf", "18"])
            .Output("out.mkv", overwrite: true)
            .Build();

        Assert.Equal(
            ["-hide_banner", "-nostdin", "-nostats", "-ss", "1.5", "-f", "matroska", "-i", "in put.mkv", "-metadata:s:a:0", "title=a b", "-crf", "18", "-y", "out.mkv"],
            args,
            StringComparer.Ordinal);
    }

    [Fact]
    public void Seconds_use_a_point_whatever_the_culture()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var args = new FfmpegArguments().Seconds("-itsoffset", -0.0333333333).Build();

            Assert.Equal(["-itsoffset", "-0.033333"], args, StringComparer.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }
}
