using System.Text.Json.Nodes;

namespace VideoStyler.ScaleOut;

/// <summary>
/// `plan --emit k8s`: an Indexed Job (one completion index per segment; JOB_COMPLETION_INDEX tells the
/// worker its segment), a join Job to apply once it completed, and a Containerfile for the tool's image.
/// Manifests are JSON, which kubectl takes as it takes YAML. The shared volume claim is mounted at the
/// folder that holds the job folder, the input and the output, so the paths in job.json hold in the pods.
/// </summary>
internal static class KubernetesManifests
{
    public static IReadOnlyList<string> Write(JobFolder job, string image, string claim, int parallelism, string? namespaceName)
    {
        var folder = Path.Combine(job.Path, "k8s");
        Directory.CreateDirectory(folder);
        var mount = MountFolder(job.Path, job.Spec.InputPath, job.Spec.OutputPath);

        var name = "videostyler-" + Slug(Path.GetFileName(job.Path));
        var count = job.Spec.Segments.Count;
        var segments = JobManifest(
            name + "-segments", namespaceName, image, claim, mount, ["run-segment", job.Path], spec =>
            {
                spec["completionMode"] = "Indexed";
                spec["completions"] = count;
                spec["parallelism"] = Math.Clamp(parallelism, 1, count);
                // Each index is retried on its own (a killed pod reruns only its segment); the job fails
                // as soon as one segment has failed for good.
                spec["backoffLimitPerIndex"] = 2;
                spec["maxFailedIndexes"] = 0;
            });
        var join = JobManifest(name + "-join", namespaceName, image, claim, mount, ["join", job.Path], spec => spec["backoffLimit"] = 1);
        // Kubernetes' own (camelCase) schema, written as it is spelled: only the writing options are shared.
        var options = VideoStylerJson.Default.Options;
        var paths = new[] { Path.Combine(folder, "segments-job.json"), Path.Combine(folder, "join-job.json"), Path.Combine(folder, "Containerfile") };
        File.WriteAllText(paths[0], segments.ToJsonString(options) + "\n");
        File.WriteAllText(paths[1], join.ToJsonString(options) + "\n");
        File.WriteAllText(paths[2], Containerfile(StylizeRunnerVersion()));
        return paths;
    }

    /// <summary>A Containerfile that builds the tool from a checkout of this repository (context: the repository root).</summary>
    public static string Containerfile(string version) => $$"""
        # VideoStyler {{version}}: build from the repository root with
        #   podman build -f JOBDIR/k8s/Containerfile -t videostyler:{{version}} .
        FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
        WORKDIR /src
        COPY . .
        RUN dotnet publish src/VideoStyler.Cli/VideoStyler.Cli.csproj -c Release -o /app

        FROM mcr.microsoft.com/dotnet/runtime:10.0
        RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg libgtk-3-0 \
            && rm -rf /var/lib/apt/lists/*
        COPY --from=build /app /app
        ENTRYPOINT ["dotnet", "/app/VideoStyler.Cli.dll"]

        """.ReplaceLineEndings("\n");

    private static JsonObject JobManifest(
        string name, string? namespaceName, string image, string claim, string mount, string[] args, Action<JsonObject> configure)
    {
        var metadata = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = "videostyler" } };
        if (namespaceName is not null)
        {
            metadata["namespace"] = namespaceName;
        }

        var spec = new JsonObject();
        configure(spec);
        spec["template"] = new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "videostyler" } },
            ["spec"] = new JsonObject
            {
                ["restartPolicy"] = "Never",
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "videostyler",
                    ["image"] = image,
                    ["args"] = new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
                    ["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "data", ["mountPath"] = mount }),
                }),
                ["volumes"] = new JsonArray(new JsonObject
                {
                    ["name"] = "data",
                    ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = claim },
                }),
            },
        };
        return new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = metadata,
            ["spec"] = spec,
        };
    }

    /// <summary>Where the claim is mounted: the deepest folder holding the job folder, the input and the output (not /).</summary>
    public static string MountFolder(string jobPath, string inputPath, string outputPath)
    {
        var mount = CommonFolder(jobPath, Path.GetDirectoryName(Path.GetFullPath(inputPath))!, Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        return mount != "/"
            ? mount
            : throw new UserFacingException(
                $"for --emit k8s, keep the job folder, the input and the output under one folder other than / (the volume claim is mounted there); they are {Path.GetFullPath(jobPath)}, {Path.GetFullPath(inputPath)} and {Path.GetFullPath(outputPath)}");
    }

    /// <summary>The deepest folder that holds all the given folders.</summary>
    internal static string CommonFolder(params string[] folders)
    {
        var split = folders.Select(f => Path.GetFullPath(f).TrimEnd('/').Split('/')).ToList();
        var common = new List<string>();
        for (var i = 0; i < split.Min(s => s.Length); i++)
        {
            var part = split[0][i];
            if (split.Any(s => s[i] != part))
            {
                break;
            }

            common.Add(part);
        }

        var path = string.Join('/', common);
        return path.Length == 0 ? "/" : path;
    }

    /// <summary>A Kubernetes object name part: lower-case letters, digits and dashes.</summary>
    internal static string Slug(string text)
    {
        var chars = text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var slug = new string(chars).Trim('-');
        if (slug.Length > 40)
        {
            slug = slug[..40].Trim('-');
        }

        return slug.Length == 0 ? "job" : slug;
    }

    private static string StylizeRunnerVersion() => Pipeline.StylizeRunner.ToolVersion;
}
