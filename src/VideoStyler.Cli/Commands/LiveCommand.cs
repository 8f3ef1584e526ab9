using System.CommandLine;
using System.Globalization;
using VideoStyler.Cli.Parsing;
using VideoStyler.Files;
using VideoStyler.Live;
using VideoStyler.Media;
using VideoStyler.Models;
using VideoStyler.Stylize;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler live --input SRC --output SINK ...`: camera or stream in, stylized stream out, latency held.</summary>
internal static class LiveCommand
{
    /// <summary>The live verb: its options and the action that runs it.</summary>
    internal static Command Create()
    {
        var s = new Symbols();
        var command = HelpDetails.Command("live", "stylize a camera or stream live (latency held)", """
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

            A source that disappears (camera unplugged, stream dropped or hanging) does not stop the run:
            the sinks keep getting frames at the same rate (the last frame, then after 2 s the last frame
            dimmed with "SOURCE LOST - RECONNECTING"), the source is reopened after 0.5 s, 1 s, 2 s, 4 s,
            then every 8 s, and the stream goes on when it is back; the sink processes are never restarted,
            so viewers stay connected. A source that cannot be opened at start is an error, and a file
            without --loop that ends is the normal end.

            example:
              videostyler live --input ../shared/data/help.mkv --loop --output udp://127.0.0.1:5000 \
                  --style ../shared/models/candy.onnx --control-port 8090
            """,
            s.Input, s.Output, s.Style, s.StyleImage, s.Size, s.VideoSize, s.Fps, s.Realtime, s.Loop, s.ControlPort, s.ControlHost, s.Token,
            s.Strength, s.Stats, s.Duration, s.Device, s.Threads, s.FlowWidth, s.EveryFrame, s.PerFrameNetwork, s.ModelsDir, s.Force, s.StallTimeout, s.ReconnectTimeout);
        command.Validators.Add(result =>
        {
            if (result.GetResult(s.StyleImage) is not null && result.GetResult(s.Style) is not null)
            {
                result.AddError("give --style or --style-image, not both");
            }

            var host = result.GetResult(s.ControlHost)?.GetValueOrDefault<string>() ?? "127.0.0.1";
            if (!ControlServer.IsLoopback(host) && string.IsNullOrEmpty(result.GetResult(s.Token)?.GetValueOrDefault<string>()))
            {
                result.AddError($"--control-host {host} is reachable from other machines; give --token");
            }
        });
        command.SetAction((parse, _) => RunAsync(parse, s));
        return command;
    }

    /// <summary>The live options, declared once here and read back by the action.</summary>
    private sealed class Symbols
    {
        public Option<string> Input { get; } = new Option<string>("--input", "-i")
        {
            Description = "the source: /dev/videoN or N (a webcam), rtsp:// srt:// udp:// http(s):// rtmp:// (a stream) or a video FILE",
            HelpName = "SRC",
            Required = true,
        };

        public Option<string[]> Output { get; } = CliOptions.Repeated("--output", "SINK", """
            where the styled stream goes: v4l2:/dev/videoN, udp://HOST:PORT, srt://..., rtmp://..., a recording
            FILE.mkv|.mp4|.ts or preview; repeat for several at once (at least one)
            """, "-o");

        public Option<string> Style { get; } = CliOptions.Text("--style", "NAME|FILE", "style name or .onnx file (default: the painting 'starry-night'; 'toon' is the non-neural one)");

        public Option<string> StyleImage { get; } = CliOptions.Text("--style-image", "FILE", """
            any picture as the style (Magenta arbitrary style transfer: its style vector is predicted once,
            the transformer runs every frame)
            """);

        public Option<int> Size { get; } = CliOptions.Size(360, """
            processing size, short side (default 360: candy-class models take ~0.3-0.6 s per 480x360 keyframe
            on 2 CPU cores, which keeps keyframes ~10-15 frames apart; larger sizes space them further and the
            flow has to carry the style further)
            """);

        public Option<string> VideoSize { get; } = CliOptions.Text("--video-size", "WxH", "capture size (webcam), or scale the source to it");

        public Option<double> Fps { get; } = CliOptions.Double("--fps", "F", 30, 1, 240, "webcam frame rate, or force this rate on a file or stream");

        public Option<bool> Realtime { get; } = CliOptions.Flag("--realtime", "pace a file on its timestamps (the default for files)");

        public Option<bool> Loop { get; } = CliOptions.Flag("--loop", "restart a file source at its end");

        public Option<int> ControlPort { get; } = CliOptions.Int("--control-port", "P", 0, 0, 65535, """
            control endpoint and web page on http://127.0.0.1:P/ (GET /status, /preview.mjpg;
            POST /style, /strength, /temporal, /pause)
            """);

        public Option<string> ControlHost { get; } = CliOptions.Text("--control-host", "H", "bind address of the control endpoint (default 127.0.0.1); any other address needs --token");

        public Option<string> Token { get; } = CliOptions.Text("--token", "T", "required on every control request: Authorization: Bearer T or ?token=T");

        public Option<double> Strength { get; } = CliOptions.Double("--strength", "S", 1.0, 0.0, 1.0, "0..1, starting style strength (default 1)");

        public Option<string> Stats { get; } = CliOptions.Text("--stats", "FILE.json", """
            write output_fps, latency_ms_p50/p95, frames_out/stylized/propagated/dropped, source_lost,
            reconnects, frames_repeated/placeholder
            """);

        public Option<double> Duration { get; } = CliOptions.Double("--duration", "S", 0, 0, 31_536_000, "stop after S seconds");

        public Option<ExecutionDevice> Device { get; } = CliOptions.Device("auto|cpu|cuda|tensorrt (default auto)");

        public Option<int> Threads { get; } = CliOptions.Threads(1, """
            ONNX Runtime intra-op threads (default 1 in live mode, so capture, flow and encoding keep a core;
            with --every-frame, one per core)
            """);

        public Option<int> FlowWidth { get; } = CliOptions.Int("--flow-width", "N", 160, 16, 4096, "width the optical flow is computed at (default 160)");

        public Option<bool> EveryFrame { get; } = CliOptions.Flag("--every-frame", """
            every frame through the network while the machine keeps up: the output waits up to 2 frame
            intervals (80 ms at most) for the model; a late frame is propagated instead, and over 5% late or
            dropped in 30 frames gives a notice and "every_frame": "falling back" in /status (threads default
            to one per core; on 2 cores the Magenta transformer kept up at --size 240 on a 640x480@30 source)
            """);

        public Option<bool> PerFrameNetwork { get; } = CliOptions.PerFrameNetwork();

        public Option<string> ModelsDir { get; } = CliOptions.ModelsDir();

        public Option<bool> Force { get; } = CliOptions.Flag("--force", "overwrite an existing recording");

        public Option<double> StallTimeout { get; } = CliOptions.Double("--stall-timeout", "S", 3, 0.2, 3600, "a source that sends no frame for S seconds is taken as lost (default 3)");

        public Option<double> ReconnectTimeout { get; } = CliOptions.Double("--reconnect-timeout", "S", 0, 0, 31_536_000, """
            give up when a lost source is not back within S seconds: the sinks are finished properly and the
            exit code is 1 (default: keep trying until Ctrl-C)
            """);
    }

    private static async Task<int> RunAsync(ParseResult line, Symbols s)
    {
        var input = line.GetRequiredValue(s.Input);
        var outputs = line.GetValue(s.Output) ?? [];
        if (outputs.Length == 0)
        {
            throw new UsageException("live: give at least one --output (udp://..., v4l2:/dev/videoN, a file, preview)");
        }

        var controlHost = line.GetValue(s.ControlHost) ?? "127.0.0.1";
        var token = line.GetValue(s.Token);
        int? port = line.Given(s.ControlPort) ? line.GetValue(s.ControlPort) : null;
        var duration = line.GetValue(s.Duration);
        double? fps = line.Given(s.Fps) ? line.GetValue(s.Fps) : null;
        var statsPath = line.GetValue(s.Stats);
        var stallTimeout = line.GetValue(s.StallTimeout);
        var reconnectTimeout = line.GetValue(s.ReconnectTimeout);
        var device = line.GetValue(s.Device);
        var force = line.GetValue(s.Force);
        var everyFrame = line.GetValue(s.EveryFrame);

        var sinks = outputs.Select(LiveSink.Parse).ToList();
        foreach (var recording in sinks.Where(s => s.Kind == LiveSinkKind.File))
        {
            // By identity (device + inode): a recording that is the input file through a link is refused even with --force.
            if (FileIdentity.SameTarget(recording.Target, input))
            {
                throw new UserFacingException($"live: recording {recording.Target} is the input (the same file, maybe through a link); choose another name");
            }

            if (File.Exists(recording.Target) && !force)
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
                force,
                [("input", input), .. sinks.Where(s => s.Kind == LiveSinkKind.File).Select(s => ("recording", s.Target))]);

        using var stop = new CancellationTokenSource();
        using var signals = InterruptHandler.Install(stop);
        var source = await LiveSourceResolver.ResolveAsync(input, line.GetValue(s.VideoSize), fps, line.GetValue(s.Loop), stop.Token);
        var options = new LiveOptions
        {
            Source = source,
            Sinks = sinks,
            Library = StyleLibrary.CreateDefault(line.GetValue(s.ModelsDir)),
            Style = line.GetValue(s.Style),
            Arbitrary = line.GetValue(s.StyleImage) is { } styleImage ? Stylize.Arbitrary.ArbitraryStyle.FromImage(styleImage) : null,
            ProcessingSize = line.GetValue(s.Size),
            Device = device,
            Threads = line.Given(s.Threads) ? line.GetValue(s.Threads) : everyFrame ? 0 : 1,
            Duration = duration > 0 ? TimeSpan.FromSeconds(duration) : null,
            ControlPort = port,
            ControlHost = controlHost,
            Token = token,
            FlowWidth = line.GetValue(s.FlowWidth),
            EveryFrame = everyFrame,
            VideoNetwork = !line.GetValue(s.PerFrameNetwork),
            Strength = line.GetValue(s.Strength),
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

        statsFile?.Write(result.Stats.ToJsonString(CliJson.Default.Options) + "\n");

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
}
