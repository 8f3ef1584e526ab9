using VideoStyler.Media;

namespace VideoStyler.Tests.Media;

/// <summary>Which subtitle streams each container keeps, converts or drops (the command line, no ffmpeg).</summary>
public class SubtitlePlanTests
{
    private static VideoInfo Info(params string[] subtitles) => EncoderArgumentsTests.Info() with
    {
        SubtitleStreams = subtitles.Length,
        SubtitleCodecs = subtitles,
        SubtitleTitles = subtitles.Select(_ => (string?)null).ToList(),
    };

    private static string Arguments(VideoInfo info, string output) => EncoderArgumentsTests.Encode(info, output);

    [Theory]
    [InlineData(".mkv", "copy", "copy", "srt")]
    [InlineData(".mp4", "mov_text", "mov_text", "copy")]
    [InlineData(".webm", "webvtt", "webvtt", "webvtt")]
    public void Text_subtitles_are_kept_in_the_containers_text_format(string extension, string subrip, string ass, string movText)
    {
        var plan = SubtitlePlan.For(Info("subrip", "ass", "mov_text"), ContainerProfile.ForPath("/out/x" + extension));

        Assert.Equal([(0, subrip), (1, ass), (2, movText)], plan.Kept);
        Assert.Empty(plan.Notices);
    }

    [Fact]
    public void Bitmap_subtitles_go_into_matroska_and_are_dropped_from_mp4_with_a_notice()
    {
        var info = Info("subrip", "hdmv_pgs_subtitle", "dvd_subtitle");

        var mkv = Arguments(info, "/out/film.mkv");
        var mp4Plan = SubtitlePlan.For(info, ContainerProfile.ForPath("/out/film.mp4"));
        var mp4 = Arguments(info, "/out/film.mp4");

        Assert.Contains("-map 1:s:1", mkv);
        Assert.Contains("-map 1:s:2", mkv);
        Assert.Contains("-c:s:2 copy", mkv);
        Assert.Equal([(0, "mov_text")], mp4Plan.Kept);
        Assert.Contains("-map 1:s:0", mp4);
        Assert.DoesNotContain("-map 1:s:1", mp4);
        Assert.DoesNotContain("-map 1:s:2", mp4);
        Assert.Equal(
            [
                "subtitle stream 1 (hdmv_pgs_subtitle) dropped: .mp4 cannot carry bitmap subtitles; write .mkv to keep it",
                "subtitle stream 2 (dvd_subtitle) dropped: .mp4 cannot carry bitmap subtitles; write .mkv to keep it",
            ],
            mp4Plan.Notices);
    }

    [Fact]
    public void A_file_that_starts_late_has_its_audio_and_subtitles_shifted_onto_the_frames_clock()
    {
        var args = Arguments(Info("subrip") with { StartSeconds = 1.4 }, "/out/film.mkv");

        Assert.Contains("-itsoffset -1.4 -vn -dn -i /videos/in put.mkv -map 0:v:0", args);
        Assert.Contains("-copyts", args);
        Assert.Contains("-fps_mode passthrough -enc_time_base -1", args);
    }
}
