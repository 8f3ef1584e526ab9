using VideoStyler.Sinks;
using VideoStyler.Sources;
using VideoStyler.Frames;

namespace VideoStyler.Tests.Sinks;

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

    internal static string Encode(VideoInfo info, string output)
    {
        var source = new ChannelPipeSource(
            System.Threading.Channels.Channel.CreateUnbounded<Frame>().Reader, info.Width, info.Height, info.FrameRate, new PipelineStats(), null);
        return EncoderArguments.Build(source, info, output, ContainerProfile.ForPath(output), "AI-stylized by VideoStyler; style: candy").Arguments;
    }

    [Fact]
    public void Mp4_with_aac_copies_the_audio_and_encodes_h264_yuv420p()
    {
        var args = Encode(Info(640, 480, "aac"), "/out/clip.mp4");

        Assert.Contains("-f matroska -i", args);
        Assert.Contains("-i \"/videos/in put.mkv\"", args);
        Assert.Contains("-map 0:v:0", args);
        Assert.Contains("-map 1:a?", args);
        Assert.Contains("-c:a:0 copy", args);
        Assert.Contains("-c:v libx264", args);
        Assert.Contains("-pix_fmt yuv420p", args);
        Assert.Contains("-movflags +faststart", args);
        Assert.Contains("-metadata comment=\"AI-stylized by VideoStyler; style: candy\"", args);
        Assert.EndsWith("\"/out/clip.mp4\" -y", args.TrimEnd());
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
        var sink = new FFMpegCore.Pipes.StreamPipeSink((_, _) => Task.CompletedTask) { Format = "matroska" };
        var args = DecoderArguments.Build(Info(1080, 1920), sink).Arguments;

        Assert.StartsWith("-i \"/videos/in put.mkv\"", args);
        Assert.Contains("-map 0:v:0", args);
        Assert.Contains("-vf scale=1080:1920", args);
        Assert.Contains("-fps_mode passthrough -enc_time_base 1:1000", args);
        Assert.Contains("-pix_fmt bgr24", args);
        Assert.Contains("-c:v rawvideo", args);
        Assert.Contains("-allow_raw_vfw 1 -write_crc32 0", args);
        Assert.Contains("-f matroska", args);
    }
}
