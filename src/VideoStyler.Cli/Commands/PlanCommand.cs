using VideoStyler.Pipeline;
using System.CommandLine;
using System.Globalization;
using System.Reflection;
using VideoStyler.Cli.Parsing;
using VideoStyler.ScaleOut;
using VideoStyler.Stylize;
using VideoStyler.Temporal;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler plan INPUT -o OUTPUT --segments N`: a job folder for a scale-out run.</summary>
internal static class PlanCommand
{
    /// <summary>The plan verb: its options and the action that runs it.</summary>
    internal static Command Create()
    {
        var s = new Symbols();
        var command = HelpDetails.Command("plan", "cut a job into segments for Slurm, Kubernetes or local workers", """
            Cuts INPUT into N segments that workers stylize in parallel (videostyler run-segment), then
            one join (videostyler join) writes OUTPUT: the same frames and timestamps a single-machine
            `videostyler stylize INPUT -o OUTPUT` run writes, with audio and subtitles from INPUT. Writes
            the job folder DIR (default OUTPUT.job, on storage every worker sees): job.json with the
            segments (cut at source keyframes where there are any near the even split), the options, the
            input's identity (size, SHA-256 of its first MiB), the tool version and the style's identity;
            workers that see another input, tool version or style refuse to run.

            --emit slurm also writes DIR/slurm/: segments.sbatch (an array, one task per segment, requeued
            when a worker dies), join.sbatch and submit.sh (submits both, the join with --dependency=afterok).
            --emit k8s also writes DIR/k8s/: segments-job.json (an Indexed Job), join-job.json and a
            Containerfile for the tool's image. --emit local runs the segments here now, --workers W at a
            time, then joins. The stylize options are those of `videostyler stylize`.

            exit codes: 0 planned (and, with --emit local, done); 1 error; 2 bad command line; 3 damaged input.
            """,
            s.Input, s.Output, s.Segments, s.Job, s.Warmup, s.Emit, s.Partition, s.Image, s.Claim, s.Namespace, s.Workers, s.Force,
            s.Style, s.Size, s.Temporal, s.NoTemporal, s.PerFrameNetwork, s.Strength, s.PreserveColors, s.Mask, s.Watermark, s.MaxTile, s.Device, s.Threads, s.Frames, s.ModelsDir);
        command.Validators.Add(result =>
        {
            if (result.GetResult(s.Segments) is null)
            {
                result.AddError("give the number of segments with --segments N");
            }
        });
        command.SetAction((parse, _) => RunAsync(parse, s));
        return command;
    }

    /// <summary>The plan options (the stylize ones a job carries, and the job's own), declared once here.</summary>
    private sealed class Symbols
    {
        public Argument<string> Input { get; } = new("INPUT") { Description = "the video to stylize" };

        public Option<string> Output { get; } = new Option<string>("--output", "-o") { Description = "the joined output (required); its extension picks the container", HelpName = "FILE", Required = true };

        public Option<int> Segments { get; } = CliOptions.Int("--segments", "N", 1, 1, 100000, "how many segments (1 to the frame count; required)");

        public Option<string> Job { get; } = CliOptions.Text("--job", "DIR", "the job folder (default OUTPUT.job)");

        public Option<int> Warmup { get; } = CliOptions.Int("--warmup", "K", JobPlanner.DefaultWarmupFrames, 0, 10000, """
            frames each segment stylizes before its first one so the temporal state has converged at the seam
            (default 16; see the README)
            """);

        public Option<string> Emit { get; } = EmitOption();

        public Option<string> Partition { get; } = CliOptions.Text("--partition", "P", "Slurm partition for the scripts");

        public Option<string> Image { get; } = CliOptions.Text("--image", "IMAGE", "container image for the Jobs (default videostyler:VERSION)");

        public Option<string> Claim { get; } = CliOptions.Text("--claim", "NAME", "the shared PersistentVolumeClaim (default videostyler-data)");

        public Option<string> Namespace { get; } = CliOptions.Text("--namespace", "NS", "Kubernetes namespace for the Jobs");

        public Option<int> Workers { get; } = CliOptions.Int("--workers", "W", 2, 1, 1024, """
            parallel local workers (default 2), the Indexed Job's parallelism, and when given with
            --emit slurm, the array's limit (--array=0-N%W)
            """);

        public Option<bool> Force { get; } = CliOptions.Flag("--force", "replace an existing job folder and OUTPUT");

        public Option<string> Style { get; } = CliOptions.Text("--style", "NAME|FILE", "stylize option: the style (see videostyler stylize --help)");

        public Option<int> Size { get; } = CliOptions.Size(480, "stylize option: processing size, short side (default 480)");

        public Option<double> Temporal { get; } = CliOptions.Double("--temporal", "T", new TemporalOptions().Strength, 0.0, 1.0, "stylize option: 0..1 temporal consistency (default 0.5)");

        public Option<bool> NoTemporal { get; } = CliOptions.Flag("--no-temporal", "stylize option: per-frame stylization (no temporal stage)");

        public Option<bool> PerFrameNetwork { get; } = CliOptions.PerFrameNetwork("stylize option: ");

        public Option<double> Strength { get; } = CliOptions.Double("--strength", "S", 1.0, 0.0, 1.0, "stylize option: 0..1, how much of the style to keep (default 1)");

        public Option<bool> PreserveColors { get; } = CliOptions.Flag("--preserve-colors", "stylize option: keep the source's colours, take only the style's luminance");

        public Option<string> Mask { get; } = CliOptions.Text("--mask", "FILE", "stylize option: image or video; white = styled, black = original");

        public Option<string> Watermark { get; } = CliOptions.Text("--watermark", "TEXT", "stylize option: draw TEXT visibly on every frame");

        public Option<int> MaxTile { get; } = CliOptions.MaxTile("stylize option: tile frames longer than N pixels (default 1920)");

        public Option<ExecutionDevice> Device { get; } = CliOptions.Device();

        public Option<int> Threads { get; } = CliOptions.Threads(0, "ONNX Runtime intra-op threads (default: one per core)");

        public Option<int> Frames { get; } = CliOptions.Int("--frames", "K", 0, 0, int.MaxValue, "stylize only the first K frames");

        public Option<string> ModelsDir { get; } = CliOptions.ModelsDir();

        private static Option<string> EmitOption()
        {
            var option = CliOptions.Text("--emit", "slurm|k8s|local", "also write Slurm scripts, Kubernetes Jobs, or run the segments here (local)");
            option.CompletionSources.Add("slurm", "k8s", "local");
            option.Validators.Add(result =>
            {
                var value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                if (value is not ("slurm" or "k8s" or "local"))
                {
                    result.AddError($"--emit must be slurm, k8s or local, not '{value}'");
                }
            });
            return option;
        }
    }

    private static async Task<int> RunAsync(ParseResult line, Symbols s)
    {
        var input = line.GetRequiredValue(s.Input);
        var output = line.GetRequiredValue(s.Output);
        var segments = line.GetValue(s.Segments);
        var emit = line.GetValue(s.Emit);
        var workers = line.GetValue(s.Workers);
        var force = line.GetValue(s.Force);
        var settings = new JobSettings
        {
            Style = AbsoluteIfPath(line.GetValue(s.Style)),
            ModelsDir = line.GetValue(s.ModelsDir) is { } dir ? Path.GetFullPath(dir) : null,
            ProcessingSize = line.GetValue(s.Size),
            MaxTile = line.GetValue(s.MaxTile),
            Device = line.GetValue(s.Device),
            Threads = line.GetValue(s.Threads),
            MaxFrames = line.GetValue(s.Frames),
            TemporalStrength = line.GetValue(s.NoTemporal) ? 0 : line.GetValue(s.Temporal),
            VideoNetwork = !line.GetValue(s.PerFrameNetwork),
            Strength = line.GetValue(s.Strength),
            PreserveColors = line.GetValue(s.PreserveColors),
            MaskPath = line.GetValue(s.Mask) is { } mask ? Path.GetFullPath(mask) : null,
            Watermark = line.GetValue(s.Watermark),
        };
        var jobPath = line.GetValue(s.Job) ?? output + ".job";
        var warmup = line.GetValue(s.Warmup);

        if (emit == "k8s")
        {
            // Before anything is written: the pods must see every path under the claim's mount.
            KubernetesManifests.MountFolder(jobPath, input, output);
        }

        using var stop = new CancellationTokenSource();
        using var signals = InterruptHandler.Install(stop);
        var job = await JobPlanner.CreateAsync(input, output, jobPath, settings, segments, warmup, force, stop.Token);
        var spec = job.Spec;
        var onKeyframes = spec.Segments.Skip(1).Count(s => s.OnSourceKeyframe);
        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"planned {spec.TotalFrames} frames in {spec.Segments.Count} segments ({string.Join(", ", spec.Segments.Select(s => s.FrameCount))} frames; {onKeyframes} of {spec.Segments.Count - 1} cuts on source keyframes; {warmup} warm-up frames each) -> {job.Path}"));

        switch (emit)
        {
            case "slurm":
                var scripts = SlurmScripts.Write(job, CurrentTool(), line.GetValue(s.Partition), line.Given(s.Workers) ? workers : null);
                Console.Out.WriteLine($"slurm: submit with {scripts[2]}");
                break;
            case "k8s":
                var image = line.GetValue(s.Image) ?? $"videostyler:{StylizeRunner.ToolVersion}";
                var manifests = KubernetesManifests.Write(job, image, line.GetValue(s.Claim) ?? "videostyler-data", workers, line.GetValue(s.Namespace));
                Console.Out.WriteLine($"k8s: build the image with {manifests[2]}, then kubectl apply -f {manifests[0]}; when it completed, kubectl apply -f {manifests[1]}");
                break;
            case "local":
                return await LocalRunner.RunAsync(job, CurrentTool(), workers, stop.Token);
        }

        return 0;
    }

    /// <summary>How a worker starts this very tool (dotnet and the .dll, or the published executable).</summary>
    internal static ToolCommand CurrentTool()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var entry = Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(host) == "dotnet" && !string.IsNullOrEmpty(entry)
            ? new ToolCommand([host, entry])
            : new ToolCommand([host]);
    }

    /// <summary>A --style that names a file is made absolute (workers start elsewhere); names and mixes of names stay.</summary>
    private static string? AbsoluteIfPath(string? style)
    {
        if (style is null)
        {
            return null;
        }

        var parts = style.Split(',', StringSplitOptions.TrimEntries).Select(part =>
        {
            var colon = part.LastIndexOf(':');
            var name = colon > 0 && double.TryParse(part[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? part[..colon] : part;
            var weight = part[name.Length..];
            return name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || name.Contains('/')
                ? Path.GetFullPath(name) + weight
                : part;
        });
        return string.Join(',', parts);
    }
}
