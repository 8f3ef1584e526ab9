using VideoStyler.Pipeline;
using System.Globalization;
using OpenCvSharp;
using VideoStyler.Sources;

namespace VideoStyler.Stills;

/// <summary>
/// --preview FILE.png: a before/after picture, the input on the left and the stylized output on the
/// right at the output's size. For a video run, the frame in the middle of the output (and the input
/// frame at the same time); for a still, the picture itself. Written like any output (never over an
/// existing file without --force, temporary name then rename) and marked as AI-stylized.
/// </summary>
internal static class PreviewImage
{
    /// <summary>Checks a --preview path before a run spends minutes: an image extension, not there yet (unless forced), a folder that exists.</summary>
    public static void Validate(string previewPath, string inputPath, string outputPath, bool force)
    {
        if (ImageFormats.FromPath(previewPath) is null)
        {
            throw new UserFacingException($"--preview {previewPath}: give an image file name ({ImageFormats.ExtensionList})", 2);
        }

        var full = Path.GetFullPath(previewPath);
        if (full == Path.GetFullPath(outputPath) || full == Path.GetFullPath(inputPath))
        {
            throw new UserFacingException($"--preview {previewPath} is the input or the output; choose another name", 2);
        }

        if (File.Exists(full) && !force)
        {
            throw new UserFacingException($"preview {previewPath} already exists (use --force to overwrite it)");
        }

        if (!Directory.Exists(Path.GetDirectoryName(full)))
        {
            throw new UserFacingException($"preview folder does not exist: {Path.GetDirectoryName(full)}");
        }
    }

    /// <summary>Writes the side-by-side of <paramref name="before"/> and <paramref name="after"/> (BGR 8UC3; before is scaled to after's size).</summary>
    public static void Write(string previewPath, string inputPath, Mat before, Mat after, string style, bool force)
    {
        var format = ImageFormats.FromPath(previewPath)!.Value;
        using var left = before.Size() == after.Size() ? before.Clone() : before.Resize(after.Size(), 0, 0, InterpolationFlags.Area);
        using var pair = new Mat();
        Cv2.HConcat([left, after], pair);
        var marking = $"{ImageMarking.Prefix} {StylizeRunner.ToolVersion}; style: {style}; before/after preview (left: input, right: output)";
        var bytes = StillStylizer.Encode(pair, null, format, marking);
        var output = OutputFile.Prepare(inputPath, previewPath, force);
        var done = false;
        try
        {
            File.WriteAllBytes(output.TemporaryPath, bytes);
            output.Commit();
            done = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot write preview {previewPath}: {ex.Message}");
        }
        finally
        {
            if (!done)
            {
                output.Discard();
            }
        }
    }

    /// <summary>
    /// After a video run: the output's middle frame and the input's frame at the same time (both as
    /// ffmpeg decodes them: upright), side by side in <paramref name="previewPath"/>.
    /// </summary>
    public static async Task WriteForVideoAsync(string previewPath, string inputPath, string outputPath, string style, bool force, CancellationToken cancel)
    {
        var info = await VideoProbe.ProbeAsync(outputPath, cancel);
        var middle = Math.Max(0, (info.DurationSeconds ?? 0) / 2);
        var scratch = Path.Combine(Path.GetTempPath(), "videostyler-preview-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(scratch);
        try
        {
            // A clip of a frame or two may have nothing to seek to at half its length: take its first frame.
            using var after = await FrameAtAsync(outputPath, middle, Path.Combine(scratch, "after.png"), cancel)
                ?? await FrameAtAsync(outputPath, middle = 0, Path.Combine(scratch, "after.png"), cancel)
                ?? throw new UserFacingException($"could not take a frame from {outputPath} for the preview");
            using var before = await FrameAtAsync(inputPath, middle, Path.Combine(scratch, "before.png"), cancel)
                ?? throw new UserFacingException($"could not take the frame at {middle:0.###} s from {inputPath} for the preview");
            Write(previewPath, inputPath, before, after, style, force);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The frame shown at <paramref name="seconds"/> from the start, or null when there is none.</summary>
    private static async Task<Mat?> FrameAtAsync(string video, double seconds, string png, CancellationToken cancel)
    {
        File.Delete(png);
        var at = seconds.ToString("0.###", CultureInfo.InvariantCulture);
        var (code, _, _) = await ProcessRunner.RunAsync(
            "ffmpeg", ["-nostdin", "-v", "error", "-ss", at, "-i", video, "-frames:v", "1", "-y", png], cancel);
        var frame = code == 0 && File.Exists(png) ? Cv2.ImRead(png, ImreadModes.Color) : new Mat();
        if (frame.Empty())
        {
            frame.Dispose();
            return null;
        }

        return frame;
    }
}
