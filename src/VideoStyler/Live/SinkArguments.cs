using System.Globalization;

namespace VideoStyler.Live;

/// <summary>
/// The one ffmpeg command that feeds every sink from raw BGR24 frames on stdin: a single low-latency
/// h264 encode shared by the network and file sinks (the tee muxer when there are several), and a raw
/// yuv420p output per v4l2loopback virtual camera. Kept free of process handling for tests.
/// </summary>
internal static class SinkArguments
{
    public static IReadOnlyList<string> Build(IReadOnlyList<LiveSink> sinks, int width, int height, double fps)
    {
        var rate = fps.ToString("0.###", CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            "-hide_banner", "-nostdin", "-loglevel", "error",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", $"{width}x{height}", "-framerate", rate,
            "-i", "pipe:0",
        };

        var encoded = sinks.Where(s => s.IsEncoded).ToList();
        if (encoded.Count > 0)
        {
            var gop = Math.Max(1, (int)Math.Round(fps)).ToString(CultureInfo.InvariantCulture);
            args.AddRange([
                "-map", "0:v:0",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
                // A keyframe every second: a viewer joining a stream waits at most that long.
                "-g", gop, "-keyint_min", gop, "-bf", "0",
                "-crf", "23", "-maxrate", "4M", "-bufsize", "2M",
                "-pix_fmt", "yuv420p",
                "-flush_packets", "1",
            ]);
            if (encoded.Count == 1)
            {
                var (format, target) = Describe(encoded[0]);
                args.AddRange(FormatOptions(format));
                args.AddRange(["-f", format]);
                if (encoded[0].Kind == LiveSinkKind.File)
                {
                    args.Add("-y");
                }

                args.Add(target);
            }
            else
            {
                // Containers like FLV and MP4 need the headers out of band; MPEG-TS re-inserts them on keyframes.
                args.AddRange(["-flags", "+global_header", "-f", "tee"]);
                args.Add(string.Join('|', encoded.Select(TeeSlave)));
            }
        }

        foreach (var camera in sinks.Where(s => s.Kind == LiveSinkKind.VirtualCamera))
        {
            args.AddRange(["-map", "0:v:0", "-c:v", "rawvideo", "-pix_fmt", "yuv420p", "-f", "v4l2", camera.Target]);
        }

        return args;
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

    private static IEnumerable<string> FormatOptions(string format) =>
        format == "mpegts" ? ["-muxdelay", "0", "-muxpreload", "0"] : [];

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
