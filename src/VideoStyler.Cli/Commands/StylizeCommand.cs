using VideoStyler.Pipeline;
using System.Globalization;
using System.CommandLine;
using Spectre.Console;
using VideoStyler.Cli.Parsing;
using VideoStyler.Files;
using VideoStyler.Models;
using VideoStyler.Stills;
using VideoStyler.Stylize;
using VideoStyler.Temporal;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler stylize INPUT -o OUTPUT ...`: one file in, one stylized file out.</summary>
internal static class StylizeCommand
{
    /// <summary>The stylize verb: its options, arguments and the action that runs it.</summary>
    internal static Command Create()
    {
        var s = new Symbols();
        var command = HelpDetails.Command("stylize", "stylize a video or image file, or a folder of them (batch, nothing dropped)", """
            Stylizes every frame of INPUT (any video ffmpeg can read) and writes OUTPUT with the same
            frame count, frame rate, width and height; audio is copied (re-encoded only when the container
            requires it). The container follows OUTPUT's extension: .mp4/.mov/.m4v (h264), .mkv (h264),
            .webm (vp9). Ctrl-C stops cleanly and keeps the frames done so far as a playable OUTPUT.

            A still image (.jpg/.jpeg/.png/.webp/.bmp/.tif/.tiff) to an image OUTPUT (any of those, by
            extension) keeps the exact size, is written upright (the EXIF orientation is applied, no
            orientation tag is written), JPEG at quality 95; alpha is kept where OUTPUT can hold it (PNG,
            WebP, TIFF); grayscale comes out in colour. Stills are processed at their own size (large ones
            in tiles, see --max-tile) unless --size is given. The AI-stylized marking goes into the image's
            metadata (not BMP, which has none); `videostyler inspect OUT` reads it back.

            With a folder as INPUT, every video and image in it is stylized into OUTPUT_DIR under the
            same name (same container or image format when supported, else .mkv); outputs that exist
            are skipped unless --force; a failing file does not stop the batch; a summary table ends
            it (exit 1 if any failed).

            exit codes: 0 done; 1 error (nothing written under OUTPUT's name); 2 bad command line;
            3 damaged input (the frames that decoded are written, the loss is reported; a damaged, empty
            or cut-off image writes nothing); 130 interrupted.
            """,
            s.Input, s.Output, s.Style, s.StyleImage, s.Temporal, s.TemporalMode, s.NoTemporal, s.PerFrameNetwork, s.Strength, s.PreserveColors, s.Mask,
            s.Watermark, s.Size, s.MaxTile, s.Force, s.Preview, s.Stats, s.Device, s.Threads, s.FramesInFlight, s.Frames, s.ModelsDir);
        command.Validators.Add(result =>
        {
            if (result.GetResult(s.StyleImage) is not null && result.GetResult(s.Style) is not null)
            {
                result.AddError("give --style or --style-image, not both");
            }
        });
        command.SetAction((parse, _) => RunAsync(parse, s));
        return command;
    }

    /// <summary>The stylize options, declared once here and read back by the action.</summary>
    private sealed class Symbols
    {
        public Argument<string> Input { get; } = new("INPUT") { Description = "a video or image file, or a folder of them (then OUTPUT is a folder)" };

        public Option<string> Output { get; } = new Option<string>("--output", "-o") { Description = "output file (required); never overwritten without --force", HelpName = "FILE", Required = true };

        public Option<string> Style { get; } = CliOptions.Text("--style", "NAME|FILE", """
            a style name (see `videostyler styles list`: built-in paintings, your own, ONNX networks like 'toon')
            or an .onnx file; default: the painting 'starry-night'. A weighted mix: --style great-wave:0.7,scream:0.3
            averages picture styles' vectors; networks (candy:0.6,mosaic:0.4) blend their outputs
            """);

        public Option<string> StyleImage { get; } = CliOptions.Text("--style-image", "FILE", """
            any picture as the style (Magenta arbitrary style transfer, Apache-2.0: the picture's 100-number
            style vector is predicted once, then a small transformer network stylizes each frame with it)
            """);

        public Option<double> Temporal { get; } = CliOptions.Double("--temporal", "T", new TemporalOptions().Strength, 0.0, 1.0, """
            0..1 temporal consistency (default 0.5); pixel stage: each frame's change against the flow-warped
            previous output is limited where the flow is trusted, more loosely where the next frame confirms it
            (one frame of lookahead), so brushstrokes stop flickering without smearing; 1 holds hardest
            """);

        public Option<TemporalMode> TemporalMode { get; } = TemporalModeOption();

        public Option<bool> NoTemporal { get; } = CliOptions.Flag("--no-temporal", "per-frame stylization (no temporal stage; picture styles then run the stills' transformer)");

        public Option<bool> PerFrameNetwork { get; } = CliOptions.PerFrameNetwork();

        public Option<double> Strength { get; } = CliOptions.Double("--strength", "S", 1.0, 0.0, 1.0, """
            0..1, how much of the style to keep (default 1); with --style-image, interpolates between the
            content's own style vector (first frame, again after each scene cut) and the picture's (Magenta's
            way; 0 gives back nearly the content)
            """);

        public Option<bool> PreserveColors { get; } = CliOptions.Flag("--preserve-colors", "keep the source's colours, take only the style's luminance");

        public Option<string> Mask { get; } = CliOptions.Text("--mask", "FILE", "image or video; white = styled, black = original");

        public Option<string> Watermark { get; } = CliOptions.Text("--watermark", "TEXT", """
            draw TEXT visibly on every frame (outputs are always tagged as AI-stylized in their metadata;
            `videostyler inspect FILE` shows it)
            """);

        public Option<int> Size { get; } = CliOptions.Size(480, "processing size: the short side in pixels (default 480; for a still image, its own size)");

        public Option<int> MaxTile { get; } = CliOptions.MaxTile("""
            frames whose processing size is longer than N pixels are stylized in overlapping tiles of at most
            N x N with feathered seams, so memory stays bounded at any resolution (default 1920; lower it if
            memory runs out, raise it to run larger frames whole)
            """);

        public Option<bool> Force { get; } = CliOptions.Flag("--force", "overwrite OUTPUT if it exists");

        public Option<string> Preview { get; } = CliOptions.Text("--preview", "FILE.png", """
            also write a before/after image (input left, output right) of the middle frame (any image
            extension; one INPUT file, not a folder)
            """);

        public Option<string> Stats { get; } = CliOptions.Text("--stats", "FILE.json", "write frame counts, timings per stage and the execution provider");

        public Option<ExecutionDevice> Device { get; } = CliOptions.Device();

        public Option<int> Threads { get; } = CliOptions.Threads(0, "ONNX Runtime intra-op threads (default: one per core)");

        public Option<int> FramesInFlight { get; } = CliOptions.FramesInFlight();

        public Option<int> Frames { get; } = CliOptions.Int("--frames", "K", 0, 0, int.MaxValue, "stylize only the first K frames (audio is cut to match)");

        public Option<string> ModelsDir { get; } = CliOptions.ModelsDir();
    }

    /// <summary>--temporal-mode: auto|features|pixel|stats|stats+pixel|stats+features.</summary>
    internal static Option<TemporalMode> TemporalModeOption()
    {
        var option = new Option<TemporalMode>("--temporal-mode")
        {
            HelpName = "M",
            Description = """
                auto|features|pixel|stats|stats+pixel|stats+features (default auto: features where the style network has a
                bottleneck, else pixel). features carries the network's bottleneck features along the optical
                flow (blended by the flow's confidence, weight 1.44 x --temporal, reset at scene cuts) and lets
                the decoder draw the strokes; pixel is the stage above; stats smooths each instance norm's
                channel means and variances over frames; stats+features does both inside the network (the decoder's
                statistics); a mode a style cannot do falls back to pixel with a notice
                """,
            DefaultValueFactory = _ => TemporalModes.Default,
            CustomParser = result =>
            {
                var text = result.Tokens[^1].Value;
                if (TemporalModes.TryParse(text, out var mode))
                {
                    return mode;
                }

                result.AddError($"--temporal-mode must be auto, features, pixel, stats, stats+pixel or stats+features, not '{text}'");
                return TemporalModes.Default;
            },
        };
        option.CompletionSources.Clear();
        option.CompletionSources.Add("auto", "features", "pixel", "stats", "stats+pixel", "stats+features");
        return option;
    }

    private static async Task<int> RunAsync(ParseResult line, Symbols s)
    {
        var output = line.GetRequiredValue(s.Output);
        var library = StyleLibrary.CreateDefault(line.GetValue(s.ModelsDir));
        var template = new StylizeOptions
        {
            InputPath = line.GetRequiredValue(s.Input),
            OutputPath = output,
            Style = line.GetValue(s.Style),
            Library = library,
            ProcessingSize = line.GetValue(s.Size),
            ProcessingSizeGiven = line.Given(s.Size),
            PreviewPath = line.GetValue(s.Preview),
            MaxTile = line.GetValue(s.MaxTile),
            Force = line.GetValue(s.Force),
            Device = line.GetValue(s.Device),
            Threads = line.GetValue(s.Threads),
            FramesInFlight = line.GetValue(s.FramesInFlight),
            MaxFrames = line.GetValue(s.Frames),
            TemporalStrength = line.GetValue(s.NoTemporal) ? 0 : line.GetValue(s.Temporal),
            TemporalMode = line.GetValue(s.TemporalMode),
            VideoNetwork = !line.GetValue(s.PerFrameNetwork),
            Controls = new StyleControls
            {
                Strength = line.GetValue(s.Strength),
                PreserveColors = line.GetValue(s.PreserveColors),
                MaskPath = line.GetValue(s.Mask),
                Watermark = line.GetValue(s.Watermark),
            },
        };
        if (line.GetValue(s.StyleImage) is { } styleImage)
        {
            // The strength moves into the style vector (content vector <-> style vector), not an output blend.
            template = template with
            {
                Arbitrary = Stylize.Arbitrary.ArbitraryStyle.FromImage(styleImage, template.Controls.Strength, template.Threads),
                Controls = template.Controls with { Strength = 1.0 },
            };
        }

        // Checked before the run: never the input or the output, never an existing file without --force, writable.
        var stats = line.GetValue(s.Stats) is { } statsPath
            ? SideFile.Prepare("--stats", statsPath, template.Force, [("input", template.InputPath), ("output", template.OutputPath)])
            : null;

        using var stop = new CancellationTokenSource();
        using var signals = InterruptHandler.Install(stop);
        if (Directory.Exists(template.InputPath))
        {
            if (template.PreviewPath is not null)
            {
                throw new UsageException("stylize: --preview takes one INPUT file, not a folder");
            }

            return await BatchStylizer.RunAsync(template, stop.Token);
        }

        var options = template;
        var stillRun = StillStylizer.Handles(options.InputPath, options.OutputPath);
        if (options.PreviewPath is { } preview)
        {
            PreviewImage.Validate(preview, options.InputPath, options.OutputPath, options.Force);
        }

        var result = await RunOneAsync(options, stop.Token);
        if (options.PreviewPath is { } videoPreview && !stillRun && !result.Interrupted)
        {
            await PreviewImage.WriteForVideoAsync(videoPreview, options.InputPath, result.OutputPath, result.Style, options.Force, CancellationToken.None);
        }

        if (stats is not null)
        {
            StatsFile.Write(stats, result);
        }

        var summary = string.Create(
            CultureInfo.InvariantCulture,
            $"{result.FramesOut} {(stillRun ? "image" : "frames")} in {result.WallSeconds:0.0} s ({result.Fps:0.00} fps), style {result.Style}, {result.ExecutionProvider} -> {result.OutputPath}");
        if (result.Interrupted)
        {
            Console.Out.WriteLine($"interrupted: {summary} (the frames done so far are finalized and playable)");
            return ExitCodes.Interrupted;
        }

        Console.Out.WriteLine(summary);
        if (result.FramesMissing is { } missing)
        {
            // The output is good as far as it goes, but the run did not do all it was asked: exit 3.
            Console.Error.WriteLine(
                $"error: {options.InputPath} is damaged or truncated: {result.FramesIn} of {result.FramesIn + missing} frames decoded, {missing} lost; {result.OutputPath} holds the {result.FramesOut} good frames");
            return ExitCodes.DamagedInput;
        }

        return 0;
    }

    internal static async Task<StylizeResult> RunOneAsync(StylizeOptions options, CancellationToken stop)
    {
        if (StillStylizer.Handles(options.InputPath, options.OutputPath))
        {
            var still = await Task.Run(() => StillStylizer.Run(options), CancellationToken.None);
            foreach (var notice in still.Notices)
            {
                Console.Error.WriteLine($"notice: {notice}");
            }

            return still;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var result = await new ProgressView(console).RunAsync(
            (onStarted, onFrame) => StylizeRunner.RunAsync(options, (info, style) => WarnUpscale(info, options, style, onStarted), onFrame, stop));
        foreach (var notice in result.Notices)
        {
            Console.Error.WriteLine($"notice: {notice}");
        }

        return result;
    }

    private static void WarnUpscale(Media.VideoInfo info, StylizeOptions options, FrameStylizer style, Action<Media.VideoInfo, FrameStylizer> next)
    {
        if (UpscaleNotice.For(info, options.ProcessingSize) is { } notice)
        {
            Console.Error.WriteLine($"notice: {notice}");
        }

        next(info, style);
    }
}
