using System.Diagnostics;
using OpenCvSharp;
using VideoStyler.Frames;
using VideoStyler.Media;
using VideoStyler.Pipeline;
using VideoStyler.Styles;
using VideoStyler.Stylize;

namespace VideoStyler.Stills;

/// <summary>
/// `stylize photo.jpg -o out.png`: one still image through the same stylizer stack as a video frame
/// (<see cref="FrameStylizer"/>: the style or mix, tiling for large pictures, the user's controls),
/// written in the format of the output's extension at exactly the input's (upright) size, with the
/// AI-stylized marking in its metadata (<see cref="ImageMarking"/>). The output goes through
/// <see cref="OutputFile"/> like a video's: never over an existing file without --force, written to a
/// temporary name and renamed when complete; a failure leaves nothing under the output's name.
/// </summary>
internal static class StillStylizer
{
    /// <summary>
    /// The shortest processing side used when --size is not given: small images are scaled up to it
    /// for the model (the result is scaled back), so even a 1x1 picture gives a 1x1 result.
    /// </summary>
    public const int MinimumProcessingSize = 64;

    /// <summary>
    /// Whether a `stylize` run is a still-image run: the output has an image extension, or the input
    /// is an image and the output is not a video container (a still into .mp4 stays a one-frame video).
    /// </summary>
    public static bool Handles(string inputPath, string outputPath)
    {
        if (ImageFormats.IsImagePath(outputPath))
        {
            return true;
        }

        var outputIsVideo = ContainerProfile.SupportedExtensions.Contains(Path.GetExtension(outputPath), StringComparer.OrdinalIgnoreCase);
        return !outputIsVideo && File.Exists(inputPath) && (ImageFormats.IsImagePath(inputPath) || ImageFormats.SniffFile(inputPath) is not null);
    }

    /// <summary>
    /// The longest processing short side used when --size is not given (8K's short side): a larger
    /// picture is stylized at this size and scaled up to its own, so a huge scan does not take hours or
    /// a full-size float canvas (12 bytes a pixel) in memory. --size goes higher when asked.
    /// </summary>
    public const int MaximumDefaultProcessingSize = 4320;

    /// <summary>The processing short side: --size when given, else the image's own (full resolution) within the bounds above.</summary>
    public static int ProcessingSize(StylizeOptions options, int width, int height) =>
        options.ProcessingSizeGiven
            ? options.ProcessingSize
            : Math.Clamp(Math.Min(width, height), MinimumProcessingSize, MaximumDefaultProcessingSize);

    public static StylizeResult Run(StylizeOptions options)
    {
        var format = ImageFormats.FromPath(options.OutputPath)
            ?? throw new UserFacingException(
                $"cannot write {options.OutputPath}: '{Path.GetExtension(options.OutputPath)}' is neither an image format ({ImageFormats.ExtensionList}) nor a video container ({string.Join(", ", ContainerProfile.SupportedExtensions)})",
                2);
        if (Directory.Exists(options.InputPath) || (File.Exists(options.InputPath) && ImageFormats.SniffFile(options.InputPath) is null && !ImageFormats.IsImagePath(options.InputPath)))
        {
            throw new UserFacingException(
                $"{options.OutputPath} is an image but {options.InputPath} is not a still image we read ({ImageFormats.ExtensionList}); for one frame of a video, stylize it to a video with --preview FILE.png",
                2);
        }

        var stats = new PipelineStats();
        var clock = Stopwatch.StartNew();
        var decodeMark = StageClock.Start();
        using var image = ImageDecoder.Read(options.InputPath);
        stats.Decode.AddSince(decodeMark);
        stats.CountIn();
        // Checks the output name and proves the folder writable now, before the model runs; the empty
        // temporary file is removed until the picture is ready, so a run killed meanwhile leaves nothing.
        var output = OutputFile.Prepare(options.InputPath, options.OutputPath, options.Force);
        output.Discard();
        var succeeded = false;
        try
        {
            var notices = new List<string>();
            using var style = StylizerFactory.Create(
                options.Library, options.Style, options.Controls, image.Width, image.Height,
                ProcessingSize(options, image.Width, image.Height), options.Device, options.Threads, stats, options.MaxTile, options.Arbitrary);
            if (style.Primary is TiledStylizer tiled)
            {
                notices.Add($"{image.Width}x{image.Height} stylized in {tiled.Columns}x{tiled.Rows} tiles of {tiled.TileWidth}x{tiled.TileHeight} (--max-tile {options.MaxTile})");
            }

            using var styled = new Mat(image.Height, image.Width, MatType.CV_8UC3);
            style.Process(image.Bgr, styled);
            style.ApplyControls(image.Bgr, styled);

            if (style.Notice is { } providerNotice)
            {
                notices.Add(providerNotice);
            }

            var encodeMark = StageClock.Start();
            var keepAlpha = image.Alpha is not null && ImageFormats.KeepsAlpha(format);
            if (image.Alpha is not null && !keepAlpha)
            {
                notices.Add($"{Path.GetFileName(options.InputPath)} has an alpha channel, which {ImageFormats.Name(format)} cannot hold: transparent parts are white in {Path.GetFileName(options.OutputPath)}");
            }

            if (!ImageFormats.CarriesMarking(format))
            {
                notices.Add("BMP has no metadata: the AI-stylized marking is not written (use PNG, JPEG, WebP or TIFF to carry it, or --watermark for a visible one)");
            }

            var marking = $"{ImageMarking.Prefix} {StylizeRunner.ToolVersion}; style: {style.Name}";
            var bytes = Encode(styled, keepAlpha ? image.Alpha : null, format, marking);
            File.WriteAllBytes(output.TemporaryPath, bytes);
            stats.Encode.AddSince(encodeMark);
            output.Commit();
            succeeded = true;
            stats.CountOut();
            if (options.PreviewPath is { } preview)
            {
                PreviewImage.Write(preview, options.InputPath, image.Bgr, styled, style.Name, options.Force);
            }

            clock.Stop();
            return new StylizeResult
            {
                OutputPath = output.FinalPath,
                FramesIn = 1,
                FramesOut = 1,
                WallSeconds = clock.Elapsed.TotalSeconds,
                ExecutionProvider = style.ExecutionProvider,
                ProviderNotice = style.Notice,
                Style = style.Name,
                Network = style.NetworkName,
                Interrupted = false,
                Stats = stats,
                Notices = notices,
            };
        }
        catch (Exception ex) when (!succeeded && ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot write {options.OutputPath}: {ex.Message}; nothing was written under that name");
        }
        finally
        {
            if (!succeeded)
            {
                output.Discard();
            }
        }
    }

    /// <summary>Encodes the stylized picture (with the alpha channel when given) and adds the marking.</summary>
    public static byte[] Encode(Mat bgr, Mat? alpha, ImageFormat format, string marking)
    {
        using var withAlpha = alpha is null ? null : new Mat();
        if (withAlpha is not null)
        {
            var channels = Cv2.Split(bgr);
            try
            {
                Cv2.Merge([.. channels, alpha!], withAlpha);
            }
            finally
            {
                foreach (var channel in channels)
                {
                    channel.Dispose();
                }
            }
        }

        var picture = withAlpha ?? bgr;
        byte[] encoded;
        try
        {
            Cv2.ImEncode(ImageFormats.EncoderExtension(format), picture, out encoded, ImageFormats.EncoderParameters(format));
        }
        catch (OpenCVException ex)
        {
            throw new UserFacingException($"the {ImageFormats.Name(format)} encoder failed on a {picture.Width}x{picture.Height} picture: {ex.Message}");
        }

        if (encoded.Length == 0)
        {
            throw new UserFacingException($"the {ImageFormats.Name(format)} encoder wrote nothing for a {picture.Width}x{picture.Height} picture");
        }

        return ImageMarking.Write(encoded, format, marking, StylizeRunner.ToolVersion, picture.Width, picture.Height, withAlpha is not null);
    }
}
