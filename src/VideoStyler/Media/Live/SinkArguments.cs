using System.Globalization;

namespace VideoStyler.Media;

/// <summary>
/// The one ffmpeg command that feeds every sink from raw BGR24 frames on stdin: a single low-latency
/// h264 encode shared by the network and file sinks (the tee muxer when there are several), and a raw
/// yuv420p output per v4l2loopback virtual camera. Kept free of process handling for tests.
/// </summary>
internal static class SinkArguments
{
    /// <summary>The words of the command (without the program name).</summary>
    public static IReadOnlyList<string> Build(IReadOnlyList<LiveSink> sinks, int width, int height, double fps)
    {
        var args = new FfmpegArguments().Flag("-hide_banner").Flag("-nostdin").LogLevel("error")
            .Format("rawvideo")
            .PixelFormat("bgr24")
            .Option("-s", string.Create(CultureInfo.InvariantCulture, $"{width}x{height}"))
            .Option("-framerate", fps.ToString("0.###", CultureInfo.InvariantCulture))
            .Input("pipe:0");

        var encoded = sinks.Where(s => s.IsEncoded).ToList();
        if (encoded.Count > 0)
        {
            var gop = Math.Max(1, (int)Math.Round(fps)).ToString(CultureInfo.InvariantCulture);
            args.Map("0:v:0")
                .VideoCodec("libx264").Option("-preset", "ultrafast").Option("-tune", "zerolatency")
                // A keyframe every second: a viewer joining a stream waits at most that long.
                .Option("-g", gop).Option("-keyint_min", gop).Option("-bf", "0")
                .Option("-crf", "23").Option("-maxrate", "4M").Option("-bufsize", "2M")
                .PixelFormat("yuv420p")
                .Option("-flush_packets", "1");
            if (encoded.Count == 1)
            {
                var (format, target) = Describe(encoded[0]);
                args.When(format == "mpegts", a => a.Option("-muxdelay", "0").Option("-muxpreload", "0"))
                    .Format(format)
                    .Output(target, overwrite: encoded[0].Kind == LiveSinkKind.File);
            }
            else
            {
                // Containers like FLV and MP4 need the headers out of band; MPEG-TS re-inserts them on keyframes.
                args.Option("-flags", "+global_header").Format("tee")
                    .Output(string.Join('|', encoded.Select(TeeSlave)));
            }
        }

        foreach (var camera in sinks.Where(s => s.Kind == LiveSinkKind.VirtualCamera))
        {
            args.Map("0:v:0").VideoCodec("rawvideo").PixelFormat("yuv420p").Format("v4l2").Output(camera.Target);
        }

        return args.Build();
    }

    /// <summary>The muxer and target of one encoded sink.</summary>
    internal static (string Format, string Target) Describe(LiveSink sink) => sink.Kind switch
    {
        LiveSinkKind.Rtmp => ("flv", sink.Target),
        LiveSinkKind.Srt => ("mpegts", sink.Target),
        // MPEG-TS packets are 188 bytes: 7 per datagram stays under a 1500-byte MTU.
        LiveSinkKind.Udp => ("mpegts", sink.Target.Contains("pkt_size=", StringComparison.Ordinal)
            ? sink.Target
            : sink.Target + (sink.Target.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "pkt_size=1316"),
        LiveSinkKind.File => (Path.GetExtension(sink.Target).ToLowerInvariant() switch
        {
            ".mp4" => "mp4",
            ".mov" => "mov",
            ".ts" => "mpegts",
            ".flv" => "flv",
            _ => "matroska",
        }, sink.Target),
        _ => throw new ArgumentOutOfRangeException(nameof(sink), sink.Kind, "not an encoded sink"),
    };

    private static string TeeSlave(LiveSink sink)
    {
        var (format, target) = Describe(sink);
        // A network peer going away must not end the recording or the other streams.
        var options = sink.Kind == LiveSinkKind.File ? $"f={format}" : $"f={format}:onfail=ignore";
        if (format == "mpegts")
        {
            options += ":muxdelay=0:muxpreload=0";
        }

        return $"[{options}]{target}";
    }
}
