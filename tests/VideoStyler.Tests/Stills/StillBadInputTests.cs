using OpenCvSharp;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Stills;

/// <summary>Bad still inputs and outputs: one line on stderr, a documented exit code, nothing written.</summary>
public class StillBadInputTests
{
    [Fact]
    public async Task An_empty_file_is_damaged_input()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = Path.Combine(dir, "empty.jpg");
        File.WriteAllBytes(input, []);

        var run = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "out.png"));

        CliAssert.OneLineError(run, "is empty (0 bytes)");
        Assert.Equal(3, run.ExitCode);
        Assert.Equal(["empty.jpg"], TestImages.FilesIn(dir));
    }

    [Theory]
    [InlineData("cut.jpg", "ends before its end marker")]
    [InlineData("cut.png", "ends before its IEND chunk")]
    public async Task A_cut_off_image_is_damaged_input(string name, string expected)
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        using var cat = TestImages.Cat(301, 201);
        var whole = File.ReadAllBytes(TestImages.Write(dir, "whole" + Path.GetExtension(name), cat));
        File.WriteAllBytes(Path.Combine(dir, name), whole[..(whole.Length / 2)]);

        var run = await Support.Cli.RunAsync("stylize", Path.Combine(dir, name), "-o", Path.Combine(dir, "out.webp"));

        CliAssert.OneLineError(run, expected);
        Assert.Equal(3, run.ExitCode);
        Assert.False(File.Exists(Path.Combine(dir, "out.webp")));
    }

    [Fact]
    public async Task A_JPEG_with_data_after_its_end_marker_is_fine()
    {
        // Phones append data after a JPEG's end marker (a motion photo carries its video there).
        using var temp = new TempFolder();
        var dir = temp.Path;
        using var cat = TestImages.Cat();
        var jpeg = File.ReadAllBytes(TestImages.Write(dir, "plain.jpg", cat));
        var trailer = new byte[100_000];
        new Random(7).NextBytes(trailer);
        var input = Path.Combine(dir, "motion.jpg");
        File.WriteAllBytes(input, [.. jpeg, .. trailer]);

        var run = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "out.png"));

        Assert.True(run.ExitCode == 0, run.ToString());
        using var styled = Cv2.ImRead(Path.Combine(dir, "out.png"), ImreadModes.Color);
        Assert.Equal((151, 101), (styled.Width, styled.Height));
    }

    [Fact]
    public async Task A_JPEG_with_garbled_data_is_damaged_input_and_the_decoder_warning_stays_hidden()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        using var cat = TestImages.Cat(301, 201);
        var bytes = File.ReadAllBytes(TestImages.Write(dir, "whole.jpg", cat));
        for (var i = bytes.Length / 3; i < bytes.Length * 2 / 3; i += 7)
        {
            bytes[i] = (byte)((bytes[i] * 31) + 7);
        }

        var input = Path.Combine(dir, "garbled.jpg");
        File.WriteAllBytes(input, bytes);

        var run = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "out.png"));

        CliAssert.OneLineError(run, "garbled.jpg is damaged");
        Assert.Equal(3, run.ExitCode);
        Assert.False(File.Exists(Path.Combine(dir, "out.png")));
    }

    [Fact]
    public async Task Text_named_like_an_image_is_damaged_input()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var input = Path.Combine(dir, "photo.png");
        File.WriteAllText(input, "this is not a picture\n");

        var run = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "out.png"));

        CliAssert.OneLineError(run, "is not an image in a format we read");
        Assert.Equal(3, run.ExitCode);
    }

    [Fact]
    public async Task A_picture_too_large_to_decode_safely_is_refused_from_its_header()
    {
        // A PNG whose header says 30000x30000 (900 MP): refused before any decoding.
        using var temp = new TempFolder();
        var dir = temp.Path;
        byte[] ihdr = [0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30, 8, 2, 0, 0, 0];
        byte[] png =
        [
            0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A,
            0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', .. ihdr, 0, 0, 0, 0,
            0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82,
        ];
        var input = Path.Combine(dir, "huge.png");
        File.WriteAllBytes(input, png);

        var run = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "out.png"));

        CliAssert.OneLineError(run, "is 30000x30000 (900 megapixels); stills of more than 200 megapixels are refused");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["huge.png"], TestImages.FilesIn(dir));
    }

    [Fact]
    public async Task A_one_pixel_image_gives_a_one_pixel_result()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        using var pixel = new Mat(1, 1, MatType.CV_8UC3, new Scalar(40, 160, 220));
        var input = TestImages.Write(dir, "pixel.png", pixel);

        var run = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, "pixel-out.jpg"));

        Assert.True(run.ExitCode == 0, run.ToString());
        using var result = Cv2.ImRead(Path.Combine(dir, "pixel-out.jpg"), ImreadModes.Unchanged);
        Assert.Equal((1, 1, 3), (result.Width, result.Height, result.Channels()));
    }

    [Theory]
    [InlineData("out.xyz")]
    [InlineData("out")]
    public async Task An_output_extension_that_is_neither_image_nor_video_is_a_usage_error(string outputName)
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        using var cat = TestImages.Cat();
        var input = TestImages.Write(dir, "cat.jpg", cat);

        var run = await Support.Cli.RunAsync("stylize", input, "-o", Path.Combine(dir, outputName));

        CliAssert.OneLineError(run, "is neither an image format");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["cat.jpg"], TestImages.FilesIn(dir));
    }

    [Fact]
    public async Task A_video_to_an_image_output_is_a_usage_error()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;

        var run = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", Path.Combine(dir, "frame.png"));

        CliAssert.OneLineError(run, "--preview FILE.png");
        Assert.Equal(2, run.ExitCode);
        Assert.Empty(TestImages.FilesIn(dir));
    }

    [Fact]
    public async Task An_existing_output_is_not_replaced_without_force_and_is_replaced_with_it()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        using var cat = TestImages.Cat();
        var input = TestImages.Write(dir, "cat.png", cat);
        var output = Path.Combine(dir, "out.jpg");
        File.WriteAllText(output, "keep me");

        var refused = await Support.Cli.RunAsync("stylize", input, "-o", output);

        CliAssert.OneLineError(refused, "already exists (use --force");
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("keep me", File.ReadAllText(output));

        var forced = await Support.Cli.RunAsync("stylize", input, "-o", output, "--force");

        Assert.True(forced.ExitCode == 0, forced.ToString());
        using var styled = Cv2.ImRead(output, ImreadModes.Color);
        Assert.Equal((151, 101), (styled.Width, styled.Height));
        Assert.Equal(["cat.png", "out.jpg"], TestImages.FilesIn(dir));
    }
}
