using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Cli;

/// <summary>
/// Awkward but valid inputs come out right: variable frame rate timestamps, offsets between audio and
/// video, every audio track and subtitle with its language, 10-bit, long GOPs with B-frames, 4K.
/// </summary>
public class MediaFidelityTests
{
    /// <summary>
    /// 20 frames whose durations vary (40, 40, 57 ms, then 90-107 ms from frame 10): millisecond
    /// timestamps (1/1000 time base), h264, with an AAC tone.
    /// </summary>
    private static Task<string> VariableRateClipAsync(string dir) =>
        Clips.MakeAsync(dir, "vfr.mp4",
            "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
            "-vf", "settb=1/1000,setpts='(0.04*N+0.017*floor(N/3)+if(gte(N,10),0.05*(N-10),0))/TB'",
            "-frames:v", "20", "-fps_mode", "passthrough", "-enc_time_base", "1:1000",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest");

    [Theory]
    [InlineData(".mp4")]
    [InlineData(".mkv")]
    public async Task Variable_frame_rate_keeps_every_frame_at_its_time(string extension)
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await VariableRateClipAsync(dir);
        var expected = await StreamFacts.VideoFrameTimesAsync(input);
        // The clip really is variable: its frame durations differ by more than a millisecond.
        var durations = expected.Zip(expected.Skip(1), (a, b) => Math.Round(b - a, 3)).Distinct().ToList();
        Assert.True(durations.Count >= 3, string.Join(' ', durations));
        var output = Path.Combine(dir, "out" + extension);

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "64", "--no-temporal");

        Assert.True(run.ExitCode == 0, run.ToString());
        var actual = await StreamFacts.VideoFrameTimesAsync(output);
        if (extension == ".mp4")
        {
            StreamFacts.AssertSameTimes(expected, actual);
        }
        else
        {
            // Matroska has no edit lists: the copied AAC's encoder delay shifts the whole file (audio
            // with it), so the frames keep their times relative to the first one.
            StreamFacts.AssertSameTimes(expected, actual, actual[0] - expected[0]);
        }

        Assert.Contains(await StreamFacts.ReadAsync(output), s => s.Type == "audio");
    }

    [Fact]
    public async Task Video_that_starts_after_the_audio_stays_in_sync()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await Clips.MakeAsync(dir, "late.mp4",
            "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
            "-vf", "setpts=PTS+0.48/TB", "-frames:v", "10",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", "1.5");
        var output = Path.Combine(dir, "out.mp4");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "64");

        Assert.True(run.ExitCode == 0, run.ToString());
        var before = await StreamFacts.ReadAsync(input);
        var after = await StreamFacts.ReadAsync(output);
        var videoLead = before.Single(s => s.Type == "video").StartTime - before.Single(s => s.Type == "audio").StartTime;
        Assert.InRange(videoLead!.Value, 0.47, 0.49);
        var keptLead = after.Single(s => s.Type == "video").StartTime - after.Single(s => s.Type == "audio").StartTime;
        Assert.InRange(keptLead!.Value, videoLead.Value - 0.001, videoLead.Value + 0.001);
        StreamFacts.AssertSameTimes(await StreamFacts.VideoFrameTimesAsync(input), await StreamFacts.VideoFrameTimesAsync(output));
    }

    /// <summary>
    /// Two audio tracks (AAC English, Opus French, with titles) and two text subtitles (SubRip German,
    /// ASS English) in one Matroska file. (ffmpeg cannot make bitmap subtitles from text; dropping
    /// those is covered by SubtitlePlanTests.)
    /// </summary>
    private static async Task<string> MultiTrackClipAsync(string dir)
    {
        var srt = Path.Combine(dir, "words.srt");
        await File.WriteAllTextAsync(srt, "1\n00:00:00,100 --> 00:00:00,600\nHello there\n\n2\n00:00:00,700 --> 00:00:01,200\nSecond line\n");
        return await Clips.MakeAsync(dir, "multi.mkv",
            "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=1.5",
            "-f", "lavfi", "-i", "sine=frequency=660:duration=1.5",
            "-i", srt, "-i", srt,
            "-map", "0", "-map", "1", "-map", "2", "-map", "3", "-map", "4", "-t", "1.5",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a:0", "aac", "-c:a:1", "libopus", "-c:s:0", "srt", "-c:s:1", "ass",
            "-metadata:s:a:0", "language=eng", "-metadata:s:a:0", "title=English stereo",
            "-metadata:s:a:1", "language=fra", "-metadata:s:a:1", "title=Français",
            "-metadata:s:s:0", "language=deu", "-metadata:s:s:0", "title=Deutsch",
            "-metadata:s:s:1", "language=eng", "-metadata:s:s:1", "title=English styled");
    }

    [Theory]
    [InlineData(".mkv")]
    [InlineData(".mp4")]
    public async Task Every_audio_track_and_subtitle_is_kept_with_its_language(string extension)
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await MultiTrackClipAsync(dir);
        var output = Path.Combine(dir, "out" + extension);

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "64");

        Assert.True(run.ExitCode == 0, run.ToString());
        var streams = await StreamFacts.ReadAsync(output);
        var audio = streams.Where(s => s.Type == "audio").ToList();
        Assert.Equal(
            [("aac", "eng", "English stereo"), ("opus", "fra", "Français")],
            audio.Select(s => (s.Codec, s.Language, s.Title)).ToList());
        var subtitles = streams.Where(s => s.Type == "subtitle").Select(s => (s.Codec, s.Language, s.Title)).ToList();
        if (extension == ".mkv")
        {
            Assert.Equal([("subrip", "deu", "Deutsch"), ("ass", "eng", "English styled")], subtitles);
        }
        else
        {
            // MP4 carries text subtitles as mov_text.
            Assert.Equal([("mov_text", "deu", "Deutsch"), ("mov_text", "eng", "English styled")], subtitles);
        }

        Assert.DoesNotContain("dropped", run.StdErr);

        // The words and their timing survive.
        Assert.Equal(await FirstSubtitleAsSrtAsync(input), await FirstSubtitleAsSrtAsync(output));
        Assert.Contains("Second line", await FirstSubtitleAsSrtAsync(output));
    }

    private static async Task<string> FirstSubtitleAsSrtAsync(string path)
    {
        var run = await Support.Cli.RunProcessAsync(
            "ffmpeg", ["-v", "error", "-i", path, "-map", "0:s:0", "-f", "srt", "-"], TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.StdOut;
    }

    [Fact]
    public async Task Ten_bit_input_comes_out_8_bit_like_the_same_picture_in_8_bit()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        string[] source = ["-f", "lavfi", "-i", "testsrc2=size=192x144:rate=25", "-frames:v", "3", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0"];
        var tenBit = await Clips.MakeAsync(dir, "ten.mkv", [.. source, "-pix_fmt", "yuv444p10le"]);
        var eightBit = await Clips.MakeAsync(dir, "eight.mkv", [.. source, "-pix_fmt", "yuv444p"]);
        Assert.Equal("yuv444p10le", (await StreamFacts.ReadAsync(tenBit)).Single().PixelFormat);
        var tenOut = Path.Combine(dir, "ten-out.mp4");
        var eightOut = Path.Combine(dir, "eight-out.mp4");

        // toon: a style whose output moves with its input level for level (a neural style amplifies the last bit a little).
        var run = await Support.Cli.RunAsync("stylize", tenBit, "-o", tenOut, "--size", "96", "--no-temporal", "--style", "toon");
        var reference = await Support.Cli.RunAsync("stylize", eightBit, "-o", eightOut, "--size", "96", "--no-temporal", "--style", "toon");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(reference.ExitCode == 0, reference.ToString());
        Assert.Equal("yuv420p", (await StreamFacts.ReadAsync(tenOut)).Single().PixelFormat);
        var frames = TestFrames.Read(tenOut);
        var expected = TestFrames.Read(eightOut);
        Assert.Equal(3, frames.Count);
        Assert.Equal(3, expected.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            // Only the last bit of precision differs: a decoding mistake (wrong depth, byte order,
            // range) would change the picture by tens of levels.
            Assert.InRange(TestFrames.MeanAbsDiff(frames[i], expected[i]), 0, 2.0);
            Assert.True(TestFrames.Contrast(frames[i]) > 20);
        }
    }

    [Fact]
    public async Task Long_gop_with_b_frames_keeps_every_frame_and_its_time()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        // One key frame every 300, 3 B-frames between references: frames come out of the decoder in
        // another order than they are stored.
        var input = await Clips.MakeAsync(dir, "gop.mp4",
            "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=30", "-frames:v", "310",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "300", "-keyint_min", "300", "-sc_threshold", "0", "-bf", "3",
            "-pix_fmt", "yuv420p");
        var facts = await Support.Cli.RunProcessAsync(
            "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=key_frame,pict_type", "-of", "csv=p=0", input], TimeSpan.FromMinutes(1));
        Assert.Equal(2, facts.StdOut.Split('\n').Count(l => l.StartsWith("1,I", StringComparison.Ordinal)));
        Assert.Contains(",B", facts.StdOut);
        var output = Path.Combine(dir, "out.mp4");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "48", "--no-temporal");

        Assert.True(run.ExitCode == 0, run.ToString());
        StreamFacts.AssertSameTimes(await StreamFacts.VideoFrameTimesAsync(input), await StreamFacts.VideoFrameTimesAsync(output));
    }

    [Fact]
    public async Task Four_k_input_keeps_its_size()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await Clips.PatternAsync(dir, "uhd.mp4", 3840, 2160, 2);
        var output = Path.Combine(dir, "uhd-out.mp4");

        // The default processing size (480 short side) is far below --max-tile: one pass per frame.
        var run = await Support.Cli.RunAsync("stylize", input, "-o", output);

        Assert.True(run.ExitCode == 0, run.ToString());
        var streams = await Ffprobe.ReadAsync(output);
        Assert.Equal((3840, 2160, 2), (streams.Width, streams.Height, streams.Frames));
        using var first = TestFrames.Read(output, 1)[0];
        using var source = TestFrames.Read(input, 1)[0];
        Assert.True(TestFrames.StructureCorrelation(first, source) > 0.3);
    }
}
