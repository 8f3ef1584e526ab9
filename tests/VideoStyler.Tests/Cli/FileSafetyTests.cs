using System.Security.Cryptography;
using VideoStyler.Tests.Live;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Cli;

/// <summary>
/// A run writes only what it was asked to write, never replaces a file without --force, and recognises
/// a file by what it is (device + inode), not by how its path is spelled: --stats, links to the input,
/// two runs on one output, folder mode cut short by Ctrl-C, long names.
/// </summary>
public class FileSafetyTests
{
    private static async Task<string> SmallClipAsync(string dir, string name = "in.mp4", int frames = 3) =>
        await Clips.PatternAsync(dir, name, 160, 120, frames);

    private static async Task<byte[]> HashAsync(string path) => SHA256.HashData(await File.ReadAllBytesAsync(path));

    private static string[] Hidden(string dir) => [.. Directory.GetFiles(dir, ".*").Select(Path.GetFileName)!];

    [Fact]
    public async Task Stats_path_that_is_the_input_is_refused_and_the_input_kept()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await SmallClipAsync(dir);
        var before = await HashAsync(input);
        var output = Path.Combine(dir, "out.mp4");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "64", "--stats", input, "--force");

        CliAssert.OneLineError(run, "--stats");
        Assert.Equal(before, await HashAsync(input));
        Assert.False(File.Exists(output), "the run went ahead");

        // The same through a symbolic link and through a hard link.
        var symlink = Path.Combine(dir, "stats-link.json");
        File.CreateSymbolicLink(symlink, input);
        var viaSymlink = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "64", "--stats", symlink, "--force");
        CliAssert.OneLineError(viaSymlink, "is the input");
        var hardlink = Path.Combine(dir, "stats-hard.json");
        Assert.Equal(0, (await Support.Cli.RunProcessAsync("ln", [input, hardlink], TimeSpan.FromSeconds(10))).ExitCode);
        var viaHardlink = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "64", "--stats", hardlink, "--force");
        CliAssert.OneLineError(viaHardlink, "is the input");
        Assert.Equal(before, await HashAsync(input));
    }

    [Fact]
    public async Task Stats_path_that_is_the_output_is_refused()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await SmallClipAsync(dir);
        var output = Path.Combine(dir, "out.mp4");

        var fresh = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "64", "--stats", output);

        CliAssert.OneLineError(fresh, "is the output");
        Assert.False(File.Exists(output));

        // Through a linked folder, while the output does not exist yet: the folders are compared by identity.
        var linkedFolder = Path.Combine(dir, "same-folder");
        Directory.CreateSymbolicLink(linkedFolder, dir);
        var viaFolder = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "64", "--stats", Path.Combine(linkedFolder, "out.mp4"), "--force");
        CliAssert.OneLineError(viaFolder, "is the output");
        Assert.False(File.Exists(output));

        await File.WriteAllTextAsync(output, "an older output");
        var forced = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "64", "--stats", Path.Combine(dir, ".", "out.mp4"), "--force");
        CliAssert.OneLineError(forced, "is the output");
        Assert.Equal("an older output", await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task Existing_stats_file_is_kept_without_force_and_an_unwritable_one_is_found_before_the_run()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await SmallClipAsync(dir);
        var output = Path.Combine(dir, "out.mp4");
        var stats = Path.Combine(dir, "notes.txt");
        await File.WriteAllTextAsync(stats, "my notes");

        var refused = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "64", "--stats", stats);

        CliAssert.OneLineError(refused, "already exists (use --force");
        Assert.Equal("my notes", await File.ReadAllTextAsync(stats));
        Assert.False(File.Exists(output));

        var unwritable = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "64", "--stats", "/proc/videostyler-stats.json");
        CliAssert.OneLineError(unwritable, "cannot write stats file");
        Assert.False(File.Exists(output), "the output was written although the stats file could not be");
        Assert.Empty(Hidden(dir));

        var forced = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "64", "--stats", stats, "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("\"frames_out\": 3", await File.ReadAllTextAsync(stats));
        Assert.Empty(Hidden(dir));
    }

    [Fact]
    public async Task Output_that_is_the_input_through_a_link_is_refused_even_with_force()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await SmallClipAsync(dir);
        var before = await HashAsync(input);
        var symlink = Path.Combine(dir, "link.mp4");
        File.CreateSymbolicLink(symlink, input);
        var hardlink = Path.Combine(dir, "hard.mp4");
        Assert.Equal(0, (await Support.Cli.RunProcessAsync("ln", [input, hardlink], TimeSpan.FromSeconds(10))).ExitCode);

        var viaSymlink = await Support.Cli.RunAsync("stylize", input, "-o", symlink, "--size", "64", "--force");
        var viaHardlink = await Support.Cli.RunAsync("stylize", input, "-o", hardlink, "--size", "64", "--force");

        CliAssert.OneLineError(viaSymlink, "is the input");
        CliAssert.OneLineError(viaHardlink, "is the input");
        Assert.Equal(before, await HashAsync(input));
        Assert.Empty(Hidden(dir));
    }

    [Fact]
    public async Task Output_folder_that_is_the_input_folder_through_a_link_is_refused()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var inputs = Directory.CreateDirectory(Path.Combine(dir, "in")).FullName;
        var clip = await SmallClipAsync(inputs, "a.mp4");
        var before = await HashAsync(clip);
        var link = Path.Combine(dir, "link-to-in");
        Directory.CreateSymbolicLink(link, inputs);

        var run = await Support.Cli.RunAsync("stylize", inputs, "-o", link, "--size", "64", "--force");

        CliAssert.OneLineError(run, "is the input folder");
        Assert.Equal(before, await HashAsync(clip));
        Assert.Equal(["a.mp4"], Directory.GetFiles(inputs).Select(Path.GetFileName), StringComparer.Ordinal);
    }

    [Fact]
    public async Task Live_recording_or_stats_that_is_the_input_or_exists_is_refused_before_the_run()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await SmallClipAsync(dir, "in.mkv");
        var before = await HashAsync(input);
        var link = Path.Combine(dir, "rec.mkv");
        File.CreateSymbolicLink(link, input);
        var notes = Path.Combine(dir, "notes.json");
        await File.WriteAllTextAsync(notes, "keep me");

        var recording = await Support.Cli.RunAsync("live", "--input", input, "--output", link, "--force");
        var stats = await Support.Cli.RunAsync("live", "--input", input, "--output", Path.Combine(dir, "new.mkv"), "--stats", notes);

        CliAssert.OneLineError(recording, "is the input");
        CliAssert.OneLineError(stats, "already exists (use --force");
        Assert.Equal(before, await HashAsync(input));
        Assert.Equal("keep me", await File.ReadAllTextAsync(notes));
        Assert.False(File.Exists(Path.Combine(dir, "new.mkv")));
    }

    [Fact]
    public async Task Two_runs_on_one_output_never_leave_a_broken_file()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await SmallClipAsync(dir, frames: 150);
        var output = Path.Combine(dir, "out.mp4");
        string[] args = ["stylize", input, "-o", output, "--size", "64"];

        var runs = await Task.WhenAll(Support.Cli.RunAsync(args), Support.Cli.RunAsync(args));

        foreach (var run in runs)
        {
            // Either run may win; the other one is refused (it never writes a broken file or replaces the winner's).
            Assert.True(run.ExitCode == 0 || run.StdErr.Contains("another videostyler run") || run.StdErr.Contains("already exists"), run.ToString());
        }

        Assert.Contains(runs, r => r.ExitCode == 0);
        Assert.Equal(150, (await Ffprobe.ReadAsync(output)).Frames);
        Assert.Empty(Hidden(dir));
        Assert.Equal(["in.mp4", "out.mp4"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    [Fact]
    public async Task A_killed_run_does_not_block_the_next_one_and_leaves_no_lock_file()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var output = Path.Combine(dir, "out.mkv");
        using (var killed = BackgroundProcess.StartCli(["stylize", TestPaths.SharedData("bottle-detection.mp4"), "-o", output, "--size", "64", "--no-temporal"]))
        {
            await WaitForGrowingTempAsync(dir, 10_000, killed);
            killed.Signal("KILL");
            await killed.WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Empty(Directory.GetFiles(dir, "*lock*"));
        var next = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("bottle-detection.mp4"), "-o", output, "--size", "64", "--frames", "3");

        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Equal(3, (await Ffprobe.ReadAsync(output)).Frames);
    }

    [Fact]
    public async Task Output_name_of_250_characters_works()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = await SmallClipAsync(dir);
        var output = Path.Combine(dir, new string('n', 246) + ".mp4");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", output, "--size", "64");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(3, (await Ffprobe.ReadAsync(output)).Frames);
        Assert.Empty(Hidden(dir));
    }

    [Fact]
    public async Task Folder_mode_interrupted_clip_is_not_taken_as_done()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var inputs = Directory.CreateDirectory(Path.Combine(dir, "in")).FullName;
        var outputs = Path.Combine(dir, "out");
        File.CreateSymbolicLink(Path.Combine(inputs, "bottles.mp4"), TestPaths.SharedData("bottle-detection.mp4"));

        using (var run = BackgroundProcess.StartCli(["stylize", inputs, "-o", outputs, "--size", "64", "--no-temporal"]))
        {
            await WaitForGrowingTempAsync(outputs, 20_000, run);
            run.Signal("INT");
            var result = await run.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(result.ExitCode == 130, result.ToString());
            Assert.Matches(@"bottles\.mp4\s+interrupted", result.StdOut);
        }

        Assert.False(File.Exists(Path.Combine(outputs, "bottles.mp4")), "the interrupted clip was finalized under its final name");
        var partial = Path.Combine(outputs, "bottles.partial.mp4");
        Assert.True(File.Exists(partial), string.Join(", ", Directory.GetFiles(outputs)));
        Assert.InRange((await Ffprobe.ReadAsync(partial)).Frames, 1, 1188);
        Assert.Empty(Hidden(outputs));

        var again = await Support.Cli.RunAsync("stylize", inputs, "-o", outputs, "--size", "64", "--frames", "3");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Matches(@"bottles\.mp4\s+done", again.StdOut);
        Assert.True(File.Exists(Path.Combine(outputs, "bottles.mp4")));
    }

    /// <summary>Waits until a hidden temporary file in <paramref name="folder"/> holds at least <paramref name="bytes"/>.</summary>
    internal static Task WaitForGrowingTempAsync(string folder, long bytes, BackgroundProcess run) =>
        Eventually.TrueAsync(
            () => HasTempOf(folder, bytes),
            $"a temporary output of {bytes} bytes in {folder}",
            TimeSpan.FromSeconds(120),
            () => run.HasExited ? "the run ended before it could be interrupted" : null,
            run.Output);

    private static bool HasTempOf(string folder, long bytes)
    {
        try
        {
            return Directory.Exists(folder) && Directory.GetFiles(folder, ".*").Any(f => new FileInfo(f).Length >= bytes);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false; // Renamed or removed meanwhile: look again.
        }
    }
}
