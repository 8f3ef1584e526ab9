using VideoStyler.Models.Onnx;
using VideoStyler.Models.Onnx.Proto;
using VideoStyler.Tests.Support;
using Google.Protobuf;

namespace VideoStyler.Tests.Cli;

/// <summary>Awkward and broken inputs and faults: clear errors, correct outputs, nothing lost.</summary>
public class ReliabilityTests
{
    [Fact]
    public async Task Empty_file_is_a_one_line_error()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = Path.Combine(dir, "empty.mp4");
        await File.WriteAllBytesAsync(input, []);

        var run = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "out.mp4"));

        CliAssert.OneLineError(run, "input is an empty file");
    }

    [Fact]
    public async Task Audio_only_file_is_a_one_line_error()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await Clips.MakeAsync(dir, "tone.m4a", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "out.mp4"));

        CliAssert.OneLineError(run, "has no video stream");
    }

    [Fact]
    public async Task Onnx_model_that_is_not_image_to_image_is_refused()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var model = Path.Combine(dir, "adder.onnx");
        var graph = new OnnxGraphBuilder("adder")
            .Opset(13)
            .Input("x", TensorProto.Types.DataType.Float, 4)
            .Output("y", TensorProto.Types.DataType.Float, 4);
        graph.Node("Add", ["x", graph.Constant([1f, 2f, 3f, 4f], 4)], ["y"]);
        await File.WriteAllBytesAsync(model, graph.Build().ToByteArray());

        var run = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(dir, "out.mp4"), "--style", model);

        CliAssert.OneLineError(run, "is not an image-to-image style model");
    }

    [Fact]
    public async Task Truncated_mp4_keeps_what_decodes_and_says_how_many_frames_were_lost()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var whole = await Clips.MakeAsync(dir, "whole.mp4",
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-frames:v", "100",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart");
        var bytes = await File.ReadAllBytesAsync(whole);
        var input = Path.Combine(dir, "cut.mp4");
        await File.WriteAllBytesAsync(input, bytes[..(bytes.Length / 2)]);
        var output = Path.Combine(dir, "out.mkv");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "120");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("is damaged or truncated", run.StdErr);
        Assert.Matches(@"\d+ of 100 frames decoded, \d+ lost", run.StdErr);
        var streams = await Ffprobe.ReadAsync(output);
        Assert.InRange(streams.Frames, 10, 90);
        Assert.Equal(bytes.Length / 2, new FileInfo(input).Length);
    }

    [Fact]
    public async Task Odd_sizes_come_out_the_same_size()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await Clips.PatternAsync(dir, "odd.mp4", 641, 359, 6);
        var output = Path.Combine(dir, "odd-out.mp4");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "200");

        Assert.True(run.ExitCode == 0, run.ToString());
        var streams = await Ffprobe.ReadAsync(output);
        Assert.Equal((641, 359, 6), (streams.Width, streams.Height, streams.Frames));
    }

    [Fact]
    public async Task Rotated_phone_video_comes_out_upright()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var plain = await Clips.PatternAsync(dir, "plain.mp4", 320, 240, 5);
        var rotated = await Clips.MakeAsync(dir, "rotated.mp4", "-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90");
        var output = Path.Combine(dir, "upright.mp4");

        var run = await Support.Cli.RunAsync("stylize", rotated, "-o", output, "--size", "120");

        Assert.True(run.ExitCode == 0, run.ToString());
        var streams = await Ffprobe.ReadAsync(output);
        Assert.Equal((240, 320, 5), (streams.Width, streams.Height, streams.Frames));
    }

    [Fact]
    public async Task One_frame_video()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await Clips.PatternAsync(dir, "one.mkv", 320, 240, 1);
        var output = Path.Combine(dir, "one-out.webm");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "120");

        Assert.True(run.ExitCode == 0, run.ToString());
        var streams = await Ffprobe.ReadAsync(output);
        Assert.Equal(1, streams.Frames);
    }

    [Fact]
    public async Task Killed_encoder_gives_a_clear_error_and_keeps_a_partial_file()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = TestPaths.SharedData("bottle-detection.mp4");
        var output = Path.Combine(dir, "bottles.mkv");
        var inputBytes = new FileInfo(input).Length;
        // 1189 frames with the fast default style; kill the encoder once it has put a few hundred KB
        // on disk (Matroska writes in clusters), far from the end.
        // The temporary file's name is unique to the run: .bottles.XXXXXXXX.videostyler-tmp.mkv.
        var script = $"""
            dotnet "{TestPaths.CliDll}" stylize "{input}" -o "{output}" --size 120 &
            pid=$!
            for i in $(seq 1 120); do
              [ "$(stat -c %s '{dir}'/.bottles.*.videostyler-tmp.mkv 2>/dev/null || echo 0)" -gt 300000 ] && break
              sleep 0.5
            done
            pkill -KILL -P $pid -f -- '-f matroska -i'
            wait $pid
            echo "exit=$?"
            """;

        var run = await Support.Cli.RunProcessAsync("bash", ["-c", script], TimeSpan.FromMinutes(3));

        Assert.Contains("exit=1", run.StdOut);
        var errors = run.StdErr.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, run.StdErr);
        Assert.Contains("ffmpeg could not encode", errors[0]);
        Assert.Contains("killed or crashed", errors[0]);
        Assert.Contains("bottles.partial.mkv", errors[0]);
        Assert.False(File.Exists(output));
        var partial = await Ffprobe.ReadAsync(Path.Combine(dir, "bottles.partial.mkv"));
        Assert.InRange(partial.Frames, 1, 1188);
        Assert.Empty(Directory.GetFiles(dir, ".*videostyler-tmp*"));
        Assert.Equal(inputBytes, new FileInfo(input).Length);
    }

    [Fact]
    public async Task Batch_folder_goes_past_failures_skips_done_files_and_summarises()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var inputs = Directory.CreateDirectory(Path.Combine(dir, "in")).FullName;
        var outputs = Path.Combine(dir, "out");
        await Clips.PatternAsync(inputs, "a.mp4", 320, 240, 4);
        await Clips.PatternAsync(inputs, "b.mkv", 320, 240, 3);
        await File.WriteAllTextAsync(Path.Combine(inputs, "broken.mp4"), "not a video");

        var first = await Support.Cli.RunAsync("stylize", inputs, "-o", outputs, "--size", "120");

        Assert.True(first.ExitCode == 1, first.ToString());
        Assert.Matches(@"a\.mp4\s+done", first.StdOut);
        Assert.Matches(@"b\.mkv\s+done", first.StdOut);
        Assert.Matches(@"broken\.mp4\s+failed\s+not a video file", first.StdOut);
        Assert.Equal(4, (await Ffprobe.ReadAsync(Path.Combine(outputs, "a.mp4"))).Frames);
        Assert.Equal(3, (await Ffprobe.ReadAsync(Path.Combine(outputs, "b.mkv"))).Frames);

        var second = await Support.Cli.RunAsync("stylize", inputs, "-o", outputs, "--size", "120");

        Assert.Matches(@"a\.mp4\s+skipped", second.StdOut);
        Assert.Contains("0 done, 2 skipped, 1 failed", second.StdOut);
    }
}
