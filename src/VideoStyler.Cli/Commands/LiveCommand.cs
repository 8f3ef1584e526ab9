using System.Globalization;
using System.Text.Json;
using VideoStyler.Files;
using VideoStyler.Live;
using VideoStyler.Models;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler live --input SRC --output SINK ...`: camera or stream in, stylized stream out, latency held.</summary>
internal static class LiveCommand
{
    public const string Help = """
        usage: videostyler live --input SRC --output SINK [--output SINK ...] [options]

        Stylizes a live source and sends it on without letting latency grow: the model stylizes
        keyframes as fast as it can and every frame in between gets the last keyframe's style carried
        along the optical flow (propagation), so the output runs at the input's frame rate. When
        anything falls behind, the oldest frame is dropped, never queued. Ctrl-C (or --duration) ends it.

        sources (--input):
          /dev/videoN or N      a V4L2 webcam (--video-size, default 640x480; --fps, default 30)
          rtsp:// srt:// udp:// http(s):// rtmp://   any stream ffmpeg opens
          FILE                  a video file played on its timestamps like a camera (--realtime,
                                always on for files); --loop restarts it at the end

        sinks (--output, repeat for several at once):
          v4l2:/dev/videoN      a v4l2loopback virtual camera (raw yuv420p)
          udp://HOST:PORT  srt://...  rtmp://...   h264 (x264 ultrafast, zerolatency), MPEG-TS or FLV
          FILE.mkv|.mp4|.ts     a recording (refused if it exists, unless --force)
          preview               an OpenCV window (skipped with a notice when there is no display)

        options:
          --style NAME|FILE     style name or .onnx file (default: the painting 'starry-night'; 'toon'
                                is the non-neural one)
          --style-image FILE    any picture as the style (Magenta arbitrary style transfer: its
                                style vector is predicted once, the transformer runs every frame)
          --size N              processing size, short side (default 360: candy-class models take
                                ~0.3-0.6 s per 480x360 keyframe on 2 CPU cores, which keeps keyframes
                                ~10-15 frames apart; larger sizes space them further and the flow
                                has to carry the style further)
          --video-size WxH      capture size (webcam), or scale the source to it
          --fps F               webcam frame rate, or force this rate on a file or stream
          --realtime            pace a file on its timestamps (the default for files)
          --loop                restart a file source at its end
          --control-port P      control endpoint and web page on http://127.0.0.1:P/ (GET /status,
                                /preview.mjpg; POST /style, /strength, /temporal, /pause)
          --control-host H      bind address of the control endpoint (default 127.0.0.1); any other
                                address needs --token
          --token T             required on every control request: Authorization: Bearer T or ?token=T
          --strength S          0..1, starting style strength (default 1)
          --stats FILE.json     write output_fps, latency_ms_p50/p95, frames_out/stylized/propagated/dropped,
                                source_lost, reconnects, frames_repeated/placeholder
          --duration S          stop after S seconds
          --device D            auto|cpu|cuda|tensorrt (default auto)
          --threads N           ONNX Runtime intra-op threads (default 1 in live mode, so capture,
                                flow and encoding keep a core)
          --flow-width N        width the optical flow is computed at (default 160)
          --every-frame         every frame through the network while the machine keeps up: the output
                                waits up to 2 frame intervals (80 ms at most) for the model; a late
                                frame is propagated instead, and over 5% late or dropped in 30 frames
                                gives a notice and "every_frame": "falling back" in /status (threads
                                default to one per core; on 2 cores the Magenta transformer kept up at
                                --size 240 on a 640x480@30 source)
          --models-dir DIR      user model folder (default $XDG_DATA_HOME/videostyler/models)
          --force               overwrite an existing recording
          --stall-timeout S     a source that sends no frame for S seconds is taken as lost (default 3)
          --reconnect-timeout S give up when a lost source is not back within S seconds: the sinks are
                                finished properly and the exit code is 1 (default: keep trying until
                                Ctrl-C)

        a source that disappears (camera unplugged, stream dropped or hanging) does not stop the run:
        the sinks keep getting frames at the same rate (the last frame, then after 2 s the last frame
        dimmed with "SOURCE LOST - RECONNECTING"), the source is reopened after 0.5 s, 1 s, 2 s, 4 s,
        then every 8 s, and the stream goes on when it is back; the sink processes are never restarted,
        so viewers stay connected. A source that cannot be opened at start is an error, and a file
        without --loop that ends is the normal end.

        example:
          videostyler live --input ../shared/data/help.mkv --loop --output udp://127.0.0.1:5000 \
              --style ../shared/models/candy.onnx --control-port 8090
        """;

    private static readonly string[] ValueOptions =
    [
        "--input", "-i", "--output", "-o", "--style", "--style-image", "--size", "--fps", "--video-size", "--control-port", "--control-host", "--token",
        "--stats", "--duration", "--device", "--threads", "--models-dir", "--strength", "--flow-width",
        "--stall-timeout", "--reconnect-timeout",
    ];

    private static readonly string[] Flags = ["--realtime", "--loop", "--force", "--every-frame"];

    public static async Task<int> RunAsync(string[] args)
    {
        var line = CommandLine.Parse("live", args, ValueOptions, Flags);
        if (line.HelpRequested)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }

        if (line.Positionals.Count > 0)
        {
            throw new UsageException($"live: unexpected argument '{line.Positionals[0]}' (give the source with --input)");
        }

        var input = line.Get("--input") ?? line.Get("-i") ?? throw new UsageException("live: give a source with --input (see videostyler live --help)");
        var outputs = line.GetAll("--output").Concat(line.GetAll("-o")).ToList();
        if (outputs.Count == 0)
        {
            throw new UsageException("live: give at least one --output (udp://..., v4l2:/dev/videoN, a file, preview)");
        }

        var controlHost = line.Get("--control-host") ?? "127.0.0.1";
        var token = line.Get("--token");
        if (!ControlServer.IsLoopback(controlHost) && string.IsNullOrEmpty(token))
        {
            throw new UsageException($"live: --control-host {controlHost} is reachable from other machines; give --token");
        }

        int? port = line.Has("--control-port") ? line.GetInt("--control-port", 0, 1, 65535) : null;
        var duration = line.GetDouble("--duration", 0, 0, 31_536_000);
        double? fps = line.Has("--fps") ? line.GetDouble("--fps", 30, 1, 240) : null;
        var statsPath = line.Get("--stats");
        var stallTimeout = line.GetDouble("--stall-timeout", 3, 0.2, 3600);
        var reconnectTimeout = line.GetDouble("--reconnect-timeout", 0, 0, 31_536_000);
        var device = StylizeCommand.ParseDevice(line.Get("--device"));

        var sinks = outputs.Select(LiveSink.Parse).ToList();
        foreach (var recording in sinks.Where(s => s.Kind == LiveSinkKind.File))
        {
            // By identity (device + inode): a recording that is the input file through a link is refused even with --force.
            if (FileIdentity.SameTarget(recording.Target, input))
            {
                throw new UserFacingException($"live: recording {recording.Target} is the input (the same file, maybe through a link); choose another name");
            }

            if (File.Exists(recording.Target) && !line.Has("--force"))
            {
                throw new UserFacingException($"live: {recording.Target} exists (use --force to overwrite it)");
            }
        }

        // Checked before the run: not the input or a recording, no existing file without --force, writable.
        var statsFile = statsPath is null
            ? null
            : SideFile.Prepare(
                "--stats",
                statsPath,
                line.Has("--force"),
                [("input", input), .. sinks.Where(s => s.Kind == LiveSinkKind.File).Select(s => ("recording", s.Target))]);

        using var stop = new CancellationTokenSource();
        using var signals = InterruptHandler.Install(stop);
        var source = await LiveSourceResolver.ResolveAsync(input, line.Get("--video-size"), fps, line.Has("--loop"), stop.Token);
        var options = new LiveOptions
        {
            Source = source,
            Sinks = sinks,
            Library = StyleLibrary.CreateDefault(line.Get("--models-dir")),
            Style = line.Get("--style"),
            Arbitrary = StyleImageOption(line),
            ProcessingSize = line.GetInt("--size", 360, 16, 8192),
            Device = device,
            Threads = line.GetInt("--threads", line.Has("--every-frame") ? 0 : 1, 0, 256),
            Duration = duration > 0 ? TimeSpan.FromSeconds(duration) : null,
            ControlPort = port,
            ControlHost = controlHost,
            Token = token,
            FlowWidth = line.GetInt("--flow-width", 160, 16, 4096),
            EveryFrame = line.Has("--every-frame"),
            Strength = line.GetDouble("--strength", 1.0, 0.0, 1.0),
            StallTimeout = TimeSpan.FromSeconds(stallTimeout),
            ReconnectTimeout = reconnectTimeout > 0 ? TimeSpan.FromSeconds(reconnectTimeout) : null,
        };

        var result = await LiveSession.RunAsync(
            options,
            notice => Console.Error.WriteLine(notice),
            (session, url) =>
            {
                var where = url is null ? "" : $"; control: {url}";
                Console.Error.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"live: {source.Target} ({source.Width}x{source.Height} @ {source.FramesPerSecond:0.##} fps) -> {string.Join(", ", sinks.Select(LiveSession.SinkName))}; style {session.StyleName}{where}"));
            },
            stop.Token);

        statsFile?.Write(result.Stats.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

        var stats = result.Stats;
        var losses = (long)stats["source_lost"]! > 0
            ? $"; source lost {stats["source_lost"]}x, reconnected {stats["reconnects"]}x, {stats["frames_repeated"]} repeated + {stats["frames_placeholder"]} placeholder frames"
            : "";
        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"live: {result.FramesOut} frames out at {result.OutputFps:0.0} fps, latency p50 {result.LatencyP50:0} ms p95 {result.LatencyP95:0} ms; stylized {stats["frames_stylized"]}, propagated {stats["frames_propagated"]}, dropped {stats["frames_dropped"]}{losses}; style {result.Style}"));
        if (result.Failure is { } failure)
        {
            throw new UserFacingException(failure);
        }

        return 0;
    }

    /// <summary>--style-image FILE: the picture's style vector for the Magenta transformer (exclusive with --style).</summary>
    private static Stylize.Arbitrary.ArbitraryStyle? StyleImageOption(CommandLine line)
    {
        if (line.Get("--style-image") is not { } path)
        {
            return null;
        }

        if (line.Get("--style") is not null)
        {
            throw new UsageException("live: give --style or --style-image, not both");
        }

        return Stylize.Arbitrary.ArbitraryStyle.FromImage(path);
    }
}
