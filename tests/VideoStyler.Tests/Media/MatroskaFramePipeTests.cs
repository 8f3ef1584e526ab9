using VideoStyler.Media;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Media;

/// <summary>The two Matroska frame pipes against the real ffmpeg: pixels and timestamps both ways.</summary>
public class MatroskaFramePipeTests
{
    // Odd width: BGR24 rows of 195 bytes, not a multiple of 4 (AVI-style row padding would show).
    private const int Width = 65;
    private const int Height = 37;
    private const int FrameBytes = Width * Height * 3;

    private static async Task<byte[]> FfmpegBytesAsync(params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["-v", "error", .. args])
        {
            info.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        using var buffer = new MemoryStream();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.BaseStream.CopyToAsync(buffer);
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await stderr);
        return buffer.ToArray();
    }

    private static readonly string[] VariableRateSource =
    [
        "-f", "lavfi", "-i", $"testsrc2=size=66x38:rate=25",
        "-vf", $"scale={Width}:{Height},settb=1/1000,setpts='40*N+13*N*N'", "-frames:v", "6",
    ];

    [Fact]
    public async Task Reader_takes_each_frame_and_its_time_from_ffmpeg_matroska()
    {
        var matroska = await FfmpegBytesAsync(
            [.. VariableRateSource, "-fps_mode", "passthrough", "-enc_time_base", "1:1000", "-pix_fmt", "bgr24", "-c:v", "rawvideo", "-allow_raw_vfw", "1", "-f", "matroska", "-"]);
        var raw = await FfmpegBytesAsync([.. VariableRateSource, "-fps_mode", "passthrough", "-pix_fmt", "bgr24", "-f", "rawvideo", "-"]);
        Assert.Equal(6 * FrameBytes, raw.Length);

        var reader = new MatroskaFrameReader(new MemoryStream(matroska));
        var frame = new byte[FrameBytes];
        var times = new List<long>();
        while (reader.ReadFrame(frame) is { } ms)
        {
            Assert.True(frame.AsSpan().SequenceEqual(raw.AsSpan(times.Count * FrameBytes, FrameBytes)), $"frame {times.Count} differs");
            times.Add(ms);
        }

        Assert.False(reader.EndedMidElement);
        // 0.04 N + 0.013 N^2 seconds, in milliseconds.
        Assert.Equal([0, 53, 132, 237, 368, 525], times);
    }

    [Fact]
    public async Task Reader_says_when_the_stream_is_cut_inside_a_frame()
    {
        var matroska = await FfmpegBytesAsync(
            [.. VariableRateSource, "-pix_fmt", "bgr24", "-c:v", "rawvideo", "-allow_raw_vfw", "1", "-f", "matroska", "-"]);
        var reader = new MatroskaFrameReader(new MemoryStream(matroska[..(matroska.Length - (FrameBytes / 2))]));
        var frame = new byte[FrameBytes];
        var count = 0;
        while (reader.ReadFrame(frame) is not null)
        {
            count++;
        }

        Assert.InRange(count, 1, 5);
        Assert.True(reader.EndedMidElement);
    }

    [Fact]
    public async Task Ffmpeg_reads_the_writers_stream_with_the_same_pixels_and_times()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var path = Path.Combine(dir, "frames.mkv");
        long[] times = [0, 40, 95, 96, 1000, 1033, 70_000];
        var frames = times.Select((_, i) =>
        {
            var bytes = new byte[FrameBytes];
            new Random(i).NextBytes(bytes);
            return bytes;
        }).ToList();
        var writer = new MatroskaFrameWriter(Width, Height, framesPerSecond: 25);
        await using (var file = File.Create(path))
        {
            await file.WriteAsync(writer.BuildStreamHeader());
            for (var i = 0; i < times.Length; i++)
            {
                var header = writer.FrameHeader(times[i]);
                Assert.Equal(MatroskaFrameWriter.FrameHeaderLength, header.Length);
                await file.WriteAsync(header);
                await file.WriteAsync(frames[i]);
            }
        }

        var decoded = await FfmpegBytesAsync("-f", "matroska", "-i", path, "-fps_mode", "passthrough", "-pix_fmt", "bgr24", "-f", "rawvideo", "-");
        Assert.Equal(times.Length * FrameBytes, decoded.Length);
        for (var i = 0; i < times.Length; i++)
        {
            Assert.True(decoded.AsSpan(i * FrameBytes, FrameBytes).SequenceEqual(frames[i]), $"frame {i} differs");
        }

        var seen = await StreamFacts.VideoFrameTimesAsync(path);
        Assert.Equal(times.Select(t => t / 1000.0), seen.Select(s => Math.Round(s, 3)));
        var streams = await Ffprobe.ReadAsync(path);
        Assert.Equal((Width, Height, times.Length), (streams.Width, streams.Height, streams.Frames));
        // The nominal rate rides along as the track's default duration; the timestamps above still rule.
        Assert.Equal(25, Ffprobe.Rate(streams.FrameRate), 2);
    }
}
