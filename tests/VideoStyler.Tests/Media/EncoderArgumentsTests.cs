using VideoStyler.Media;

namespace VideoStyler.Tests.Media;

/// <summary>The ffmpeg command lines, checked as strings: no ffmpeg runs here.</summary>
public class EncoderArgumentsTests
{
    internal static VideoInfo Info(int width = 640, int height = 480, params string[] audio) => new()
    {
        Path = "/videos/in put.mkv",
        Width = width,
        Height = height,
        FrameRate = "30000/1001",
        FramesPerSecond = 29.97,
        FrameCountEstimate = 100,
        DurationSeconds = 3.3,
        Rotation = 0,
        VideoCodec = "h264",
        PixelFormat = "yuv420p",
        AudioCodecs = audio,
        SubtitleStreams = 0,
        FormatName = "matroska,webm",
    };

    internal static IReadOnlyList<string> EncodeList(VideoInfo info, string output) =>
        EncoderArguments.Build(info, output, ContainerProfile.ForPath(output), "AI-stylized by VideoStyler; style: candy");

    /// <summary>The words joined with spaces, for checks of option sequences (values with spaces stay one word in the list).</summary>
    internal static string Encode(VideoInfo info, string output) => string.Join(' ', EncodeList(info, output));

    /// <summary>Asserts that <paramref name="option"/> is followed by <paramref name="value"/> as one word.</summary>
    internal static void AssertOption(IReadOnlyList<string> args, string option, string value)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == option && args[i + 1] == value)
            {
                return;
            }
        }

        Assert.Fail($"'{option}' '{value}' not found in: {string.Join(" | ", args)}");
    }

    [Fact]
    public void Mp4_with_aac_copies_the_audio_and_encodes_h264_yuv420p()
    {
        var list = EncodeList(Info(640, 480, "aac"), "/out/clip.mp4");
        var args = string.Join(' ', list);

        Assert.Contains("-f matroska -i pipe:0", args);
        AssertOption(list, "-i", "/videos/in put.mkv");
        Assert.Contains("-map 0:v:0", args);
        Assert.Contains("-map 1:a?", args);
        Assert.Contains("-c:a:0 copy", args);
        Assert.Contains("-c:v libx264", args);
        Assert.Contains("-pix_fmt yuv420p", args);
        Assert.Contains("-movflags +faststart", args);
        // One word each, never quoted: ffmpeg gets them as they are.
        AssertOption(list, "-metadata", "comment=AI-stylized by VideoStyler; style: candy");
        Assert.Equal(["-y", "/out/clip.mp4"], list.TakeLast(2), StringComparer.Ordinal);
        Assert.DoesNotContain(list, word => word.Contains('"', StringComparison.Ordinal));
    }

    [Fact]
    public void Webm_reencodes_aac_to_opus_and_uses_vp9()
    {
        var args = Encode(Info(640, 480, "aac", "opus"), "/out/clip.webm");

        Assert.Contains("-c:v libvpx-vp9", args);
        Assert.Contains("-c:a:0 libopus", args);
        Assert.Contains("-c:a:1 copy", args);
        Assert.DoesNotContain("faststart", args);
    }

    [Fact]
    public void No_audio_means_no_audio_mapping()
    {
        var args = Encode(Info(640, 360), "/out/clip.mkv");

        Assert.DoesNotContain("-map 1:a", args);
        Assert.DoesNotContain("-c:a", args);
    }

    [Fact]
    public void Odd_sizes_keep_their_size_in_yuv444p_for_h264()
    {
        var args = Encode(Info(641, 359), "/out/clip.mp4");

        Assert.Contains("-pix_fmt yuv444p", args);
    }

    [Theory]
    [InlineData("/out/clip.avi")]
    [InlineData("/out/clip")]
    public void Unsupported_containers_are_refused_with_the_list(string output)
    {
        var ex = Assert.Throws<UserFacingException>(() => ContainerProfile.ForPath(output));
        Assert.Contains(".mp4", ex.Message);
        Assert.Contains(".webm", ex.Message);
    }

    [Fact]
    public void Decoder_reads_the_first_video_stream_as_bgr24_without_dropping_frames()
    {
        var list = DecoderArguments.Build(Info(1080, 1920));
        var args = string.Join(' ', list);

        AssertOption(list, "-i", "/videos/in put.mkv");
        Assert.DoesNotContain("-ss", list, StringComparer.Ordinal);
        Assert.Contains("-map 0:v:0", args);
        Assert.Contains("-vf scale=1080:1920", args);
        Assert.Contains("-fps_mode passthrough -enc_time_base 1:1000", args);
        Assert.Contains("-pix_fmt bgr24", args);
        Assert.Contains("-c:v rawvideo", args);
        Assert.Contains("-allow_raw_vfw 1 -write_crc32 0", args);
        Assert.EndsWith("-f matroska pipe:1", args);
    }

    [Fact]
    public void Decoder_seeks_before_the_input_and_keeps_the_whole_file_timestamps()
    {
        var args = string.Join(' ', DecoderArguments.Build(Info(), seekSeconds: 12.5));

        Assert.Contains("-ss 12.5 -copyts -start_at_zero -i /videos/in put.mkv", args);
    }

    [Fact]
    public void Titles_with_spaces_and_quotes_stay_one_word_each_in_mp4_handler_names()
    {
        var info = Info(640, 480, "aac") with { AudioTitles = ["Director's \"cut\" commentary"] };
        var list = EncodeList(info, "/out/clip.mp4");

        AssertOption(list, "-metadata:s:a:0", "handler_name=Director's \"cut\" commentary");
    }

    [Fact]
    public void A_segment_is_video_only_with_a_keyframe_on_its_first_frame()
    {
        var list = SegmentEncoderArguments.Build(Info(640, 480, "aac"), "/jobs/seg 3.mkv", ContainerProfile.ForPath("/out/clip.mp4"));
        var args = string.Join(' ', list);

        Assert.StartsWith("-hide_banner -nostdin -nostats -f matroska -i pipe:0 -map 0:v:0 -c:v libx264", args);
        Assert.Contains("-force_key_frames expr:eq(n,0)", args);
        Assert.Contains("-an -sn -dn -f matroska", args);
        Assert.Equal(["-y", "/jobs/seg 3.mkv"], list.TakeLast(2), StringComparer.Ordinal);
    }

    [Fact]
    public void The_join_copies_the_video_and_takes_audio_and_marking_from_the_source()
    {
        var info = Info(640, 480, "aac") with { StartSeconds = 0.5 };
        var list = JoinArguments.Build("/jobs/join.ffconcat", 0.033, info, "/out/clip.tmp.mp4", ContainerProfile.ForPath("/out/clip.mp4"), "AI-stylized; style: candy", cutAudioToVideo: true);
        var args = string.Join(' ', list);

        Assert.Contains("-itsoffset 0.033 -f concat -safe 0 -i /jobs/join.ffconcat -itsoffset -0.5 -vn -dn -i /videos/in put.mkv", args);
        Assert.Contains("-map 1:a? -c:a:0 copy -shortest", args);
        Assert.Contains("-c:v copy -copyts -map_metadata 1", args);
        AssertOption(list, "-metadata", "comment=AI-stylized; style: candy");
        Assert.Equal(["-movflags", "+faststart", "-y", "/out/clip.tmp.mp4"], list.TakeLast(4), StringComparer.Ordinal);
    }
}
