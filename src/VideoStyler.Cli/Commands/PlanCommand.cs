using VideoStyler.Pipeline;
using System.Globalization;
using System.Reflection;
using VideoStyler.ScaleOut;
using VideoStyler.Stylize;
using VideoStyler.Temporal;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler plan INPUT -o OUTPUT --segments N`: a job folder for a scale-out run.</summary>
internal static class PlanCommand
{
    public const string Help = """
        usage: videostyler plan INPUT -o OUTPUT --segments N [stylize options] [--job DIR]
                                [--emit slurm|k8s|local] [--workers W] [--warmup K]

        Cuts INPUT into N segments that workers stylize in parallel (videostyler run-segment), then
        one join (videostyler join) writes OUTPUT: the same frames and timestamps a single-machine
        `videostyler stylize INPUT -o OUTPUT` run writes, with audio and subtitles from INPUT. Writes
        the job folder DIR (default OUTPUT.job, on storage every worker sees): job.json with the
        segments (cut at source keyframes where there are any near the even split), the options, the
        input's identity (size, SHA-256 of its first MiB), the tool version and the style's identity;
        workers that see another input, tool version or style refuse to run.

        exit codes: 0 planned (and, with --emit local, done); 1 error; 2 bad command line; 3 damaged input.

        options:
          -o, --output FILE     the joined output (required); its extension picks the container
          --segments N          how many segments (1 to the frame count)
          --job DIR             the job folder (default OUTPUT.job)
          --warmup K            frames each segment stylizes before its first one so the temporal
                                state has converged at the seam (default 16; see the README)
          --emit slurm          also write DIR/slurm/: segments.sbatch (an array, one task per
                                segment, requeued when a worker dies), join.sbatch and submit.sh
                                (submits both, the join with --dependency=afterok)
          --partition P         Slurm partition for the scripts
          --emit k8s            also write DIR/k8s/: segments-job.json (an Indexed Job), join-job.json
                                and a Containerfile for the tool's image
          --image IMAGE         container image for the Jobs (default videostyler:VERSION)
          --claim NAME          the shared PersistentVolumeClaim (default videostyler-data)
          --namespace NS        Kubernetes namespace for the Jobs
          --emit local          run the segments here now, --workers W at a time, then join
          --workers W           parallel local workers (default 2), the Indexed Job's parallelism,
                                and when given with --emit slurm, the array's limit (--array=0-N%W)
          --force               replace an existing job folder and OUTPUT
          stylize options:      --style, --size, --temporal, --no-temporal, --strength,
                                --preserve-colors, --mask, --watermark, --max-tile, --device,
                                --threads, --frames, --models-dir (see videostyler stylize --help)
        """;

    private static readonly string[] ValueOptions =
    [
        "-o", "--output", "--style", "--size", "--max-tile", "--device", "--threads", "--models-dir", "--frames", "--strength", "--mask",
        "--watermark", "--temporal", "--segments", "--job", "--warmup", "--emit", "--workers", "--partition", "--image", "--claim", "--namespace",
    ];

    private static readonly string[] Flags = ["--force", "--preserve-colors", "--no-temporal"];

    public static async Task<int> RunAsync(string[] args)
    {
        var line = CommandLine.Parse("plan", args, ValueOptions, Flags);
        if (line.HelpRequested)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }

        if (line.Positionals.Count != 1)
        {
            throw new UsageException(line.Positionals.Count == 0
                ? "plan: give an INPUT file (see videostyler plan --help)"
                : $"plan: expected one INPUT, got {line.Positionals.Count}: {string.Join(' ', line.Positionals)}");
        }

        var output = line.Get("-o") ?? line.Get("--output") ?? throw new UsageException("plan: give an output file with -o OUTPUT");
        var segments = line.Get("--segments") is null
            ? throw new UsageException("plan: give the number of segments with --segments N")
            : line.GetInt("--segments", 1, 1, 100000);
        var emit = line.Get("--emit");
        if (emit is not (null or "slurm" or "k8s" or "local"))
        {
            throw new UsageException($"plan: --emit must be slurm, k8s or local, not '{emit}'");
        }

        var workers = line.GetInt("--workers", 2, 1, 1024);
        var settings = new JobSettings
        {
            Style = AbsoluteIfPath(line.Get("--style")),
            ModelsDir = line.Get("--models-dir") is { } dir ? Path.GetFullPath(dir) : null,
            ProcessingSize = line.GetInt("--size", 480, 16, 8192),
            MaxTile = line.GetInt("--max-tile", StylizeOptions.DefaultMaxTile, TiledStylizer.MinTile, 16384),
            Device = StylizeCommand.ParseDevice(line.Get("--device")),
            Threads = line.GetInt("--threads", 0, 0, 256),
            MaxFrames = line.GetInt("--frames", 0, 0, int.MaxValue),
            TemporalStrength = line.Has("--no-temporal") ? 0 : line.GetDouble("--temporal", new TemporalOptions().Strength, 0.0, 1.0),
            Strength = line.GetDouble("--strength", 1.0, 0.0, 1.0),
            PreserveColors = line.Has("--preserve-colors"),
            MaskPath = line.Get("--mask") is { } mask ? Path.GetFullPath(mask) : null,
            Watermark = line.Get("--watermark"),
        };
        var jobPath = line.Get("--job") ?? output + ".job";
        var warmup = line.GetInt("--warmup", JobPlanner.DefaultWarmupFrames, 0, 10000);

        if (emit == "k8s")
        {
            // Before anything is written: the pods must see every path under the claim's mount.
            KubernetesManifests.MountFolder(jobPath, line.Positionals[0], output);
        }

        using var stop = new CancellationTokenSource();
        using var signals = InterruptHandler.Install(stop);
        var job = await JobPlanner.CreateAsync(line.Positionals[0], output, jobPath, settings, segments, warmup, line.Has("--force"), stop.Token);
        var spec = job.Spec;
        var onKeyframes = spec.Segments.Skip(1).Count(s => s.OnSourceKeyframe);
        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"planned {spec.TotalFrames} frames in {spec.Segments.Count} segments ({string.Join(", ", spec.Segments.Select(s => s.FrameCount))} frames; {onKeyframes} of {spec.Segments.Count - 1} cuts on source keyframes; {warmup} warm-up frames each) -> {job.Path}"));

        switch (emit)
        {
            case "slurm":
                var scripts = SlurmScripts.Write(job, CurrentTool(), line.Get("--partition"), line.Has("--workers") ? workers : null);
                Console.Out.WriteLine($"slurm: submit with {scripts[2]}");
                break;
            case "k8s":
                var image = line.Get("--image") ?? $"videostyler:{StylizeRunner.ToolVersion}";
                var manifests = KubernetesManifests.Write(job, image, line.Get("--claim") ?? "videostyler-data", workers, line.Get("--namespace"));
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
