using System.CommandLine;
using VideoStyler.Cli.Parsing;
using System.Text.Json;
using VideoStyler.Sources;
using VideoStyler.Stills;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler inspect FILE`: reads back the AI-content marking every output carries.</summary>
internal static class InspectCommand
{
    /// <summary>The inspect verb.</summary>
    internal static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "a video or image" };
        var command = HelpDetails.Command("inspect", "show whether a video or image was AI-stylized by VideoStyler, and how", """
            Prints the AI-stylization marking of a video or image written by VideoStyler (a video's
            comment tag; an image's metadata: PNG text chunk, JPEG comment, XMP in PNG/JPEG/WebP/TIFF;
            BMP carries none): tool version and style names. Exit code 0 when marked, 1 when not.
            """,
            file);
        command.SetAction((parse, _) => RunAsync(parse.GetRequiredValue(file)));
        return command;
    }

    private static async Task<int> RunAsync(string path)
    {
        if (ImageFormats.SniffFile(path) is { } imageFormat)
        {
            return InspectImage(path, imageFormat);
        }

        var info = await VideoProbe.ProbeAsync(path);
        var (_, json, _) = await ProcessRunner.RunAsync("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-i", path], CancellationToken.None);
        using var doc = JsonDocument.Parse(json);
        string? comment = null;
        if (doc.RootElement.TryGetProperty("format", out var format) && format.TryGetProperty("tags", out var tags))
        {
            foreach (var tag in tags.EnumerateObject())
            {
                if (tag.Name.Equals("comment", StringComparison.OrdinalIgnoreCase))
                {
                    comment = tag.Value.GetString();
                }
            }
        }

        Console.Out.WriteLine($"file:         {path} ({info.Width}x{info.Height}, {info.FramesPerSecond:0.###} fps)");
        return PrintMarking(comment, null);
    }

    private static int InspectImage(string path, ImageFormat format)
    {
        var bytes = File.ReadAllBytes(path);
        var found = ImageMarking.Read(bytes);
        var size = ImageHeader.TryReadSize(bytes, format) is var (width, height) ? $"{width}x{height}" : "size unknown";
        Console.Out.WriteLine($"file:         {path} ({size}, {ImageFormats.Name(format)} image)");
        return PrintMarking(found?.Marking, found?.Where);
    }

    private static int PrintMarking(string? comment, string? where)
    {
        if (comment is null || !comment.StartsWith(ImageMarking.Prefix, StringComparison.Ordinal))
        {
            Console.Out.WriteLine("ai-stylized:  no VideoStyler marking found");
            return 1;
        }

        Console.Out.WriteLine("ai-stylized:  yes");
        if (where is not null)
        {
            Console.Out.WriteLine($"found in:     {where}");
        }

        Console.Out.WriteLine($"marking:      {comment}");
        var styleAt = comment.IndexOf("style: ", StringComparison.Ordinal);
        if (styleAt >= 0)
        {
            Console.Out.WriteLine($"style:        {comment[(styleAt + 7)..].Split(';')[0]}");
        }

        return 0;
    }
}
