using System.Security.Cryptography;
using VideoStyler.Tests.Support;
using Xunit.Abstractions;

namespace VideoStyler.Tests.Cli;

/// <summary>
/// The output cannot grow (a full disk, a file size limit): one clear error, nothing under the final
/// name, no temporary file left holding the space, an existing output (--force) and the input intact.
/// </summary>
public class OutputDiskFullTests
{
    private readonly ITestOutputHelper _log;

    public OutputDiskFullTests(ITestOutputHelper log)
    {
        _log = log;
    }

    /// <param name="how">
    /// "tmpfs": a 512 KB tmpfs as the output folder (needs root; where mounting is not permitted the
    /// test says so and uses the limit instead). "file-size-limit": ffmpeg runs under `ulimit -f` with
    /// SIGXFSZ ignored, so its writes fail with EFBIG, on any machine.
    /// </param>
    [Theory]
    [InlineData("tmpfs")]
    [InlineData("file-size-limit")]
    public async Task Output_that_cannot_grow_is_a_clear_error_and_loses_nothing(string how)
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        // Noise kept as it is (--strength 0) compresses badly: about 50 KB a frame, 750 KB in all.
        var input = await Clips.MakeAsync(dir, "noise.mkv",
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25,noise=alls=100:allf=t", "-frames:v", "16",
            "-c:v", "libx264", "-preset", "ultrafast", "-qp", "10");
        var inputHash = SHA256.HashData(await File.ReadAllBytesAsync(input));
        var outputs = Directory.CreateDirectory(Path.Combine(dir, "out")).FullName;
        var mounted = how == "tmpfs" && await TryMountTmpfsAsync(outputs, "512k");
        try
        {
            var output = Path.Combine(outputs, "clip.mkv");
            var existing = RandomNumberGenerator.GetBytes(100_000);
            await File.WriteAllBytesAsync(output, existing);
            string[] args = ["stylize", input, "-o", output, "--size", "64", "--style", "toon", "--strength", "0", "--no-temporal", "--force"];

            ProcessResult run;
            if (mounted)
            {
                run = await Support.Cli.RunAsync(args, TimeSpan.FromMinutes(2));
            }
            else
            {
                // Only ffmpeg gets the limit (the .NET runtime itself cannot start under one).
                var bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
                var ffmpeg = Path.Combine(bin, "ffmpeg");
                var real = (await Support.Cli.RunProcessAsync("bash", ["-c", "command -v ffmpeg"], TimeSpan.FromSeconds(10))).StdOut.Trim();
                await File.WriteAllTextAsync(ffmpeg, $"#!/bin/bash\ntrap '' XFSZ\nulimit -f 300\nexec \"{real}\" \"$@\"\n");
                Assert.Equal(0, (await Support.Cli.RunProcessAsync("chmod", ["+x", ffmpeg], TimeSpan.FromSeconds(10))).ExitCode);
                var quoted = string.Join(' ', args.Select(a => $"'{a}'"));
                run = await Support.Cli.RunProcessAsync(
                    "bash", ["-c", $"PATH='{bin}':\"$PATH\" exec dotnet '{TestPaths.CliDll}' {quoted}"], TimeSpan.FromMinutes(2));
            }

            _log.WriteLine(run.ToString());
            Assert.Equal(1, run.ExitCode);
            var errors = run.StdErr.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
            Assert.True(errors.Count == 1, run.StdErr);
            Assert.Contains(mounted ? "the output disk is full (no space left on device)" : "a file size limit (file too large)", errors[0]);
            Assert.Contains("nothing was written under that name (the unfinished file was removed, the existing", errors[0]);
            Assert.DoesNotContain("   at ", run.StdErr);
            Assert.Equal(existing, await File.ReadAllBytesAsync(output));
            Assert.Equal([output], Directory.GetFiles(outputs));
            Assert.Equal(inputHash, SHA256.HashData(await File.ReadAllBytesAsync(input)));
        }
        finally
        {
            if (mounted)
            {
                var unmount = await Support.Cli.RunProcessAsync("umount", [outputs], TimeSpan.FromSeconds(30));
                Assert.True(unmount.ExitCode == 0, unmount.ToString());
            }
        }
    }

    private async Task<bool> TryMountTmpfsAsync(string folder, string size)
    {
        var mount = await Support.Cli.RunProcessAsync("mount", ["-t", "tmpfs", "-o", $"size={size}", "tmpfs", folder], TimeSpan.FromSeconds(30));
        if (mount.ExitCode != 0)
        {
            _log.WriteLine($"mounting a tmpfs is not permitted here ({mount.StdErr.Trim()}): using a file size limit instead");
        }

        return mount.ExitCode == 0;
    }
}
