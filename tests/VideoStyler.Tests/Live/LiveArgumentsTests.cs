using VideoStyler.Live;

namespace VideoStyler.Tests.Live;

/// <summary>The live ffmpeg command lines, checked as lists: no ffmpeg, camera or v4l2loopback module needed.</summary>
public class LiveArgumentsTests
{
    private static string Joined(IReadOnlyList<string> args) => string.Join(' ', args);

    [Fact]
    public void V4l2_sink_writes_raw_yuv420p_to_the_loopback_device()
    {
        var args = SinkArguments.Build([LiveSink.Parse("v4l2:/dev/video9")], 640, 480, 30);
        var text = Joined(args);

        Assert.Contains("-f rawvideo -pix_fmt bgr24 -s 640x480 -framerate 30 -i pipe:0", text);
        Assert.EndsWith("-map 0:v:0 -c:v rawvideo -pix_fmt yuv420p -f v4l2 /dev/video9", text);
        Assert.DoesNotContain("libx264", text);
    }

    [Fact]
    public void Udp_sink_is_low_latency_h264_in_mpegts_with_small_datagrams()
    {
        var text = Joined(SinkArguments.Build([LiveSink.Parse("udp://127.0.0.1:5000")], 640, 480, 30));

        Assert.Contains("-c:v libx264 -preset ultrafast -tune zerolatency -g 30 -keyint_min 30 -bf 0", text);
        Assert.Contains("-pix_fmt yuv420p", text);
        Assert.EndsWith("-f mpegts udp://127.0.0.1:5000?pkt_size=1316", text);
    }

    [Fact]
    public void Several_sinks_share_one_encode_through_tee_and_cameras_get_their_own_output()
    {
        string[] targets = ["rtmp://live.example/app/key", "srt://10.0.0.2:9000?mode=caller", "/tmp/rec.mkv", "v4l2:/dev/video7", "preview"];
        var sinks = targets.Select(LiveSink.Parse).ToList();
        var args = SinkArguments.Build(sinks, 1280, 720, 29.97);
        var text = Joined(args);

        Assert.Equal(1, args.Count(a => a == "libx264"));
        Assert.Contains("-framerate 29.97", text);
        Assert.Contains("-g 30", text);
        Assert.Contains("-flags +global_header -f tee", text);
        var tee = args[args.ToList().IndexOf("tee") + 1];
        Assert.Equal(
            "[f=flv:onfail=ignore]rtmp://live.example/app/key|[f=mpegts:onfail=ignore:muxdelay=0:muxpreload=0]srt://10.0.0.2:9000?mode=caller|[f=matroska]/tmp/rec.mkv",
            tee);
        Assert.EndsWith("-f v4l2 /dev/video7", text);
        Assert.DoesNotContain("preview", text);
    }

    [Fact]
    public void Webcam_capture_asks_v4l2_for_size_and_rate()
    {
        var source = new LiveSource { Kind = LiveSource.Classify("2"), Target = LiveSource.DevicePath("2"), Width = 1280, Height = 720, FramesPerSecond = 30 };
        var text = Joined(CaptureArguments.Build(source));

        Assert.Equal(LiveSourceKind.Webcam, source.Kind);
        Assert.Contains("-f v4l2 -framerate 30 -video_size 1280x720 -i /dev/video2", text);
        Assert.EndsWith("-pix_fmt bgr24 -an -sn -dn -f rawvideo pipe:1", text);
    }

    [Fact]
    public void File_capture_is_paced_and_looped_and_streams_are_unbuffered()
    {
        var file = new LiveSource { Kind = LiveSourceKind.File, Target = "clip.mkv", Width = 640, Height = 480, FramesPerSecond = 30, Loop = true };
        var fileArgs = Joined(CaptureArguments.Build(file));
        Assert.Contains("-stream_loop -1 -i clip.mkv", fileArgs);
        // Constant rate out of ffmpeg: the capture hands frame N over at N / fps on the clock.
        Assert.Contains("-vf scale=640:480,fps=30", fileArgs);

        var stream = new LiveSource { Kind = LiveSource.Classify("rtsp://cam/1"), Target = "rtsp://cam/1", Width = 640, Height = 360, FramesPerSecond = 25, ForcedFps = 25 };
        var text = Joined(CaptureArguments.Build(stream));
        Assert.Equal(LiveSourceKind.Stream, stream.Kind);
        Assert.Contains("-fflags nobuffer -flags low_delay -i rtsp://cam/1", text);
        Assert.Contains("-vf scale=640:360,fps=25", text);
    }

    [Theory]
    [InlineData("v4l2:video9")]
    [InlineData("ftp://host/x")]
    [InlineData("out.avi")]
    public void Bad_sinks_are_one_line_errors(string text)
    {
        var error = Assert.Throws<UserFacingException>(() => LiveSink.Parse(text));
        Assert.DoesNotContain('\n', error.Message);
    }
}
