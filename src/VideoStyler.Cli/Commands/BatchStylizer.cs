using VideoStyler.Pipeline;
using System.Globalization;
using VideoStyler.Files;
using VideoStyler.Sinks;
using VideoStyler.Stills;

namespace VideoStyler.Cli.Commands;

/// <summary>
/// `stylize DIR -o OUTDIR`: every video and image in DIR, one after the other. Existing outputs are skipped
/// (unless --force), a failing file is reported and the batch goes on, and a summary table ends it.
/// </summary>
internal static class BatchStylizer
{
    private static readonly HashSet<string> VideoExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".mts", ".m2ts", ".flv", ".wmv", ".3gp", ".ogv",
    };

    public static async Task<int> RunAsync(StylizeOptions template, CancellationToken stop)
    {
        var inputDir = template.InputPath;
        var outputDir = template.OutputPath;
        if (File.Exists(outputDir))
        {
            throw new UserFacingException($"with a folder as input, -o must be a folder too; {outputDir} is a file");
        }

        if (FileIdentity.Same(inputDir, outputDir)
            || string.Equals(Path.GetFullPath(inputDir).TrimEnd('/'), Path.GetFullPath(outputDir).TrimEnd('/'), StringComparison.Ordinal))
        {
            // Compared by identity (device + inode): a link or a bind mount to the input folder is refused too.
            throw new UserFacingException($"the output folder {outputDir} is the input folder (maybe through a link); choose another one so no input can be overwritten");
        }

        Directory.CreateDirectory(outputDir);

        var inputs = Directory.EnumerateFiles(inputDir)
            .Where(f => (VideoExtensions.Contains(Path.GetExtension(f)) || ImageFormats.IsImagePath(f)) && !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (inputs.Count == 0)
        {
            throw new UserFacingException($"no video or image files in {inputDir}");
        }

        var rows = new List<(string Name, string Status, string Detail)>();
        foreach (var input in inputs)
        {
            var name = Path.GetFileName(input);
            if (stop.IsCancellationRequested)
            {
                rows.Add((name, "not started", "interrupted"));
                continue;
            }

            var output = Path.Combine(outputDir, OutputName(input));
            if (File.Exists(output) && !template.Force)
            {
                rows.Add((name, "skipped", $"{Path.GetFileName(output)} exists (--force to redo)"));
                continue;
            }

            Console.Error.WriteLine($"[{rows.Count + 1}/{inputs.Count}] {name}");
            try
            {
                var result = await StylizeCommand.RunOneAsync(template with { InputPath = input, OutputPath = output, InterruptedIsPartial = true }, stop);
                var detail = string.Create(CultureInfo.InvariantCulture, $"{result.FramesOut} frames, {result.Fps:0.00} fps -> {Path.GetFileName(result.OutputPath)}");
                var status = result.Interrupted ? "interrupted" : result.FramesMissing is not null ? "damaged" : "done";
                if (result.FramesMissing is { } missing)
                {
                    detail += $" ({missing} frames lost in the input)";
                }

                rows.Add((name, status, detail));
            }
            catch (UserFacingException ex)
            {
                Console.Error.WriteLine($"error: {Entry.OneLine(ex.Message)}");
                rows.Add((name, "failed", Entry.OneLine(ex.Message)));
            }
        }

        PrintTable(rows);
        var failed = rows.Count(r => r.Status is "failed" or "damaged");
        Console.Out.WriteLine($"{rows.Count(r => r.Status == "done")} done, {rows.Count(r => r.Status == "skipped")} skipped, {failed} failed");
        return stop.IsCancellationRequested ? ExitCodes.Interrupted : failed > 0 ? ExitCodes.Error : ExitCodes.Ok;
    }

    /// <summary>Same name; same container or image format when we can write it, else Matroska (which carries anything).</summary>
    internal static string OutputName(string input)
    {
        var extension = Path.GetExtension(input);
        var keep = ContainerProfile.SupportedExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase) || ImageFormats.IsImagePath(input);
        return Path.GetFileNameWithoutExtension(input) + (keep ? extension.ToLowerInvariant() : ".mkv");
    }

    private static void PrintTable(List<(string Name, string Status, string Detail)> rows)
    {
        var nameWidth = Math.Max(4, rows.Max(r => r.Name.Length));
        Console.Out.WriteLine($"{"file".PadRight(nameWidth)}  {"status",-11}  detail");
        foreach (var (name, status, detail) in rows)
        {
            Console.Out.WriteLine($"{name.PadRight(nameWidth)}  {status,-11}  {detail}");
        }
    }
}
