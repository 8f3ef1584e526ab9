using System.Text.Json;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Cli;

/// <summary>`bench --styles`: one row per style in one run, each with the CPU time per frame by consumer.</summary>
public class BenchCpuTableTests
{
    [Fact]
    public async Task Two_styles_give_two_rows_with_cpu_time_by_consumer()
    {
        // 24 frames: the kernel counts thread CPU time in 10 ms ticks, and with 8 frames of a 160 px model the
        // measured window once held too little model work to count a tick on a fresh clone (ORT pool 0).
        var run = await Support.Cli.RunAsync(
            "bench", "--styles", $"{TestPaths.SharedModel("candy.onnx")},{TestPaths.SharedModel("mosaic.onnx")}",
            "--size", "160", "--frames", "24", "--threads", "2", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.StdOut);
        var rows = json.RootElement.GetProperty("rows");
        Assert.Equal(2, rows.GetArrayLength());
        Assert.Equal(["candy", "mosaic"], rows.EnumerateArray().Select(r => r.GetProperty("style").GetString()), StringComparer.Ordinal);
        foreach (var row in rows.EnumerateArray())
        {
            foreach (var table in new[] { "cpu_ms_per_frame", "cpu_ms_per_frame_temporal" })
            {
                var cpu = row.GetProperty(table);
                // ONNX Runtime's second intra-op thread is named when the session starts, so its time is its own.
                Assert.True(cpu.GetProperty("onnxruntime_pool").GetDouble() > 0, $"{table}: {cpu}");
                Assert.True(cpu.GetProperty("total").GetDouble() >= cpu.GetProperty("onnxruntime_pool").GetDouble() + cpu.GetProperty("stylize_thread").GetDouble());
                Assert.True(cpu.GetProperty("frames").GetInt32() >= 5, $"{table}: {cpu}");
            }

            Assert.True(row.GetProperty("cpu_efficiency").GetDouble() > 0);

            // The bare model is measured before and after the pipelines; model_fps is their mean.
            var (before, after) = (row.GetProperty("model_fps_before").GetDouble(), row.GetProperty("model_fps_after").GetDouble());
            Assert.True(before > 0 && after > 0, row.ToString());
            Assert.Equal((before + after) / 2, row.GetProperty("model_fps").GetDouble(), 0.002);
            Assert.False(row.GetProperty("ort_spinning").GetBoolean());
            Assert.False(string.IsNullOrEmpty(row.GetProperty("load_average").GetString()));
        }
    }

    [Fact]
    public async Task Styles_with_style_is_a_usage_error()
    {
        var both = await Support.Cli.RunAsync("bench", "--styles", "candy,toon", "--style", "toon");
        Assert.Equal(2, both.ExitCode);
        CliAssert.OneLineError(both, "give --styles, or --style / --style-image, not both");

        var empty = await Support.Cli.RunAsync("bench", "--styles", ",");
        Assert.Equal(2, empty.ExitCode);
        CliAssert.OneLineError(empty, "--styles needs at least one style");
    }
}
