using System.Text.Json;
using System.Text.Json.Nodes;
using VideoStyler.Cli;
using VideoStyler.Models;
using VideoStyler.ScaleOut;
using VideoStyler.Styles;
using VideoStyler.Temporal;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Json;

/// <summary>
/// The JSON contract: both source-generated contexts use one set of options, and every kind of file the
/// tool writes or ships reads back into its typed record and writes out again byte for byte (so the typed
/// records cover every field, with the names and values the files had).
/// </summary>
public sealed class JsonContractTests
{
    [Fact]
    public void The_library_and_cli_contexts_share_one_set_of_options()
    {
        var library = VideoStylerJson.Default.Options;
        var cli = CliJson.Default.Options;
        Assert.Same(JsonNamingPolicy.SnakeCaseLower, library.PropertyNamingPolicy);
        Assert.Same(library.PropertyNamingPolicy, cli.PropertyNamingPolicy);
        Assert.True(library.WriteIndented);
        Assert.Equal(library.WriteIndented, cli.WriteIndented);
        Assert.Equal(library.DefaultIgnoreCondition, cli.DefaultIgnoreCondition);
        Assert.Equal(library.ReadCommentHandling, cli.ReadCommentHandling);
        Assert.Equal(library.AllowTrailingCommas, cli.AllowTrailingCommas);
        Assert.Equal(library.NumberHandling, cli.NumberHandling);
        Assert.Equal(library.Encoder, cli.Encoder);
        Assert.Equal(library.DictionaryKeyPolicy, cli.DictionaryKeyPolicy);
    }

    [Fact]
    public void Shipped_style_manifests_write_back_byte_for_byte()
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "styles"), StyleManifest.FileName, SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var manifest = StyleManifest.Load(file);
            Assert.NotNull(manifest.Vector);
            Assert.Equal(text, manifest.ToJson() + "\n");
        }
    }

    /// <summary>
    /// models/toon.json is written by hand (another field order, an apostrophe the writer escapes as \u0027,
    /// "native_size": null where the writer leaves absent fields out): nothing rewrites it, so each shipped
    /// manifest is compared field by field (nulls left out) with what the record writes back.
    /// </summary>
    [Fact]
    public void Shipped_model_manifests_write_back_with_every_field()
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "models"), "*.json", SearchOption.AllDirectories)
            .Where(f => !string.Equals(Path.GetFileName(f), "catalog.json", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var parsed = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            RemoveNulls(parsed);
            Assert.True(JsonNode.DeepEquals(parsed, JsonNode.Parse(ModelManifest.Load(file).ToJson())), file);
        }
    }

    private static void RemoveNulls(JsonObject node)
    {
        foreach (var key in node.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            node.Remove(key);
        }

        foreach (var child in node.Select(p => p.Value).OfType<JsonObject>())
        {
            RemoveNulls(child);
        }
    }

    [Fact]
    public void The_model_catalog_reads_every_entry_and_field()
    {
        var path = Path.Combine(TestPaths.RepoRoot, "models", "catalog.json");
        var catalog = ModelCatalog.Load(path);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var entries = document.RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(entries.Count, catalog.Models.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            Assert.Equal(entries[i].GetProperty("name").GetString(), catalog.Models[i].Name);
            Assert.Equal(entries[i].GetProperty("sha256").GetString(), catalog.Models[i].Sha256);
            if (entries[i].TryGetProperty("manifest", out var manifest))
            {
                // The embedded manifest, written back, is the one in the file.
                var written = JsonNode.Parse(catalog.Models[i].Manifest!.ToJson());
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(manifest.GetRawText()), written), $"catalog entry {catalog.Models[i].Name}");
            }
        }
    }

    [Fact]
    public async Task Job_and_segment_files_write_back_byte_for_byte()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        try
        {
            var input = await Clips.PatternAsync(folder, "in.mkv", 96, 64, 8);
            var job = Path.Combine(folder, "job");
            var plan = await Support.Cli.RunAsync("plan", input, "-o", Path.Combine(folder, "out.mkv"), "--segments", "2", "--size", "64", "--style", "toon", "--job", job);
            Assert.True(plan.ExitCode == 0, plan.StdErr);
            var run = await Support.Cli.RunAsync("run-segment", job, "1");
            Assert.True(run.ExitCode == 0, run.StdErr);

            var jobText = File.ReadAllText(Path.Combine(job, JobFolder.JobFileName));
            var opened = JobFolder.Open(job);
            Assert.Equal(jobText, JsonSerializer.Serialize(opened.Spec, VideoStylerJson.Default.JobSpec) + "\n");
            Assert.Contains("\"device\": \"auto\"", jobText, StringComparison.Ordinal);
            Assert.Contains("\"models_dir\": null", jobText, StringComparison.Ordinal);

            var statsText = File.ReadAllText(opened.StatsFile(1));
            var stats = opened.Finished(1);
            Assert.NotNull(stats);
            Assert.Equal(statsText, JsonSerializer.Serialize(stats, VideoStylerJson.Default.SegmentStats) + "\n");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_stats_file_keeps_its_fields_and_reads_back_byte_for_byte()
    {
        using var temp = new TempFolder();
        var folder = temp.Path;
        try
        {
            var input = await Clips.PatternAsync(folder, "in.mkv", 96, 64, 4);
            var statsPath = Path.Combine(folder, "stats.json");
            var run = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(folder, "out.mp4"), "--style", "toon", "--size", "64", "--stats", statsPath);
            Assert.True(run.ExitCode == 0, run.StdErr);

            var text = File.ReadAllText(statsPath);
            var keys = JsonNode.Parse(text)!.AsObject().Select(p => p.Key).ToArray();
            Assert.Equal(
                ["frames_in", "frames_out", "wall_s", "fps", "model_ms_mean", "decode_ms_mean", "preprocess_ms_mean", "postprocess_ms_mean",
                 "temporal_ms_mean", "encode_ms_mean", "stage_ms", "execution_provider", "frames_in_flight", "threads_each", "style", "network", "interrupted", "output"],
                keys);
            var stats = JsonSerializer.Deserialize(text, CliJson.Default.StylizeStats)!;
            Assert.Equal(4, stats.FramesOut);
            Assert.True(stats.StageMs.ContainsKey("model"));
            Assert.Equal(text, JsonSerializer.Serialize(stats, CliJson.Default.StylizeStats) + "\n");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Devices_json_reads_back_byte_for_byte()
    {
        var run = await Support.Cli.RunAsync("devices", "--json");
        Assert.True(run.ExitCode == 0, run.StdErr);
        var report = JsonSerializer.Deserialize(run.StdOut, CliJson.Default.DevicesReport)!;
        Assert.Contains(report.Providers, p => p is { Name: "CPUExecutionProvider", Device: "cpu", Usable: true });
        Assert.Equal(run.StdOut.TrimEnd('\n'), JsonSerializer.Serialize(report, CliJson.Default.DevicesReport));
    }

    [Fact]
    public async Task Styles_list_json_entries_read_back_byte_for_byte()
    {
        var run = await Support.Cli.RunAsync("styles", "list", "--json");
        Assert.True(run.ExitCode == 0, run.StdErr);
        var entries = JsonNode.Parse(run.StdOut)!.AsArray();
        Assert.NotEmpty(entries);
        foreach (var entry in entries)
        {
            var text = entry!.ToJsonString(CliJson.Default.Options);
            var summary = JsonSerializer.Deserialize(text, CliJson.Default.StyleSummary)!;
            Assert.Equal(text, JsonSerializer.Serialize(summary, CliJson.Default.StyleSummary));
        }

        Assert.Contains(entries, e => e!["kind"]!.GetValue<string>() == "picture" && e["has_vector"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Bench_reports_read_back_byte_for_byte()
    {
        var noIo = await Support.Cli.RunAsync("bench", "--no-io", "--frame-size", "96x64", "--size", "64", "--frames", "3", "--style", "toon", "--compare-cpu", "--compare-frames", "1", "--json");
        Assert.True(noIo.ExitCode == 0, noIo.StdErr);
        var report = JsonSerializer.Deserialize(noIo.StdOut, CliJson.Default.InProcessBenchReport)!;
        Assert.Equal("no-io", report.Mode);
        Assert.NotNull(report.CpuDifference);
        Assert.Contains("\"share_over_1_level\":", noIo.StdOut, StringComparison.Ordinal);
        Assert.Equal(noIo.StdOut.TrimEnd('\n'), JsonSerializer.Serialize(report, CliJson.Default.InProcessBenchReport));

        using var temp = new TempFolder();
        var folder = temp.Path;
        try
        {
            var input = await Clips.PatternAsync(folder, "in.mkv", 96, 64, 6);
            var run = await Support.Cli.RunAsync("bench", "--input", input, "--size", "64", "--frames", "4", "--style", "toon", "--json");
            Assert.True(run.ExitCode == 0, run.StdErr);
            var row = JsonSerializer.Deserialize(run.StdOut, CliJson.Default.BenchRow)!;
            Assert.Equal(4, row.Frames);
            Assert.True(row.StageMs.ContainsKey("model"));
            Assert.Equal(run.StdOut.TrimEnd('\n'), JsonSerializer.Serialize(row, CliJson.Default.BenchRow));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Eval_reports_keep_their_field_names()
    {
        var report = new FrontierReport
        {
            Frames = 3,
            StaticShare = 0.5,
            SampledSeries = 2,
            TargetFlickerRatio = 0.15,
            Curve = [new FrontierPoint(null, 1.0, 1.0), new FrontierPoint(0.5, 0.1, 0.9)],
        };
        var json = JsonNode.Parse(report.ToJson())!.AsObject();
        Assert.Equal(["frames", "static_share", "sampled_series", "target_flicker_ratio", "best_retention", "curve", "output"], json.Select(p => p.Key).ToArray());
        Assert.Equal(["lambda", "flicker_ratio", "retention"], json["curve"]![0]!.AsObject().Select(p => p.Key).ToArray());
        Assert.Null(json["curve"]![0]!["lambda"]);
    }
}
