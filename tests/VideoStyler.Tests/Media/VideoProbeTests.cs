using VideoStyler.Media;

namespace VideoStyler.Tests.Media;

public class VideoProbeTests
{
    [Fact]
    public void Rotated_phone_video_reports_the_displayed_size()
    {
        const string json = """
            {"streams":[{"codec_type":"video","codec_name":"h264","width":1920,"height":1080,
              "avg_frame_rate":"30/1","r_frame_rate":"30/1","nb_frames":"90","pix_fmt":"yuv420p",
              "side_data_list":[{"side_data_type":"Display Matrix","rotation":-90}]},
             {"codec_type":"audio","codec_name":"aac"}],
             "format":{"format_name":"mov,mp4","duration":"3.0"}}
            """;

        var info = VideoProbe.Parse("phone.mp4", json);

        Assert.Equal(1080, info.Width);
        Assert.Equal(1920, info.Height);
        Assert.Equal(-90, info.Rotation);
        Assert.Equal(90, info.FrameCountEstimate);
        Assert.Equal(["aac"], info.AudioCodecs);
    }

    [Fact]
    public void Frame_count_falls_back_to_duration_times_rate()
    {
        const string json = """
            {"streams":[{"codec_type":"video","codec_name":"h264","width":640,"height":480,
              "avg_frame_rate":"30000/1001","r_frame_rate":"60000/1001","pix_fmt":"yuvj420p"}],
             "format":{"format_name":"matroska,webm","duration":"2.002"}}
            """;

        var info = VideoProbe.Parse("clip.mkv", json);

        Assert.Equal("30000/1001", info.FrameRate);
        Assert.Equal(60, info.FrameCountEstimate);
    }

    [Fact]
    public void Audio_only_files_are_refused()
    {
        const string json = """{"streams":[{"codec_type":"audio","codec_name":"mp3"}],"format":{"format_name":"mp3"}}""";

        var ex = Assert.Throws<UserFacingException>(() => VideoProbe.Parse("song.mp3", json));
        Assert.Equal("song.mp3 has no video stream", ex.Message);
    }
}
