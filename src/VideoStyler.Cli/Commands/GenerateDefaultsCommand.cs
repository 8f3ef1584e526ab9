using Google.Protobuf;
using VideoStyler.Models;
using VideoStyler.Models.Onnx;

namespace VideoStyler.Cli.Commands;

/// <summary>
/// `videostyler models generate-defaults [DIR]`: writes the project's own default style(s) to DIR
/// (default: the repository's models/ folder). models/toon.onnx is produced this way; a test checks
/// the committed file equals what the generator makes.
/// </summary>
internal static class GenerateDefaultsCommand
{
    public static int Run(string[] args)
    {
        var line = CommandLine.Parse("models generate-defaults", args, [], []);
        if (line.HelpRequested)
        {
            Console.Out.WriteLine("usage: videostyler models generate-defaults [DIR]   (writes toon.onnx, default DIR: models/)");
            return 0;
        }

        var folder = line.Positionals.FirstOrDefault() ?? StyleLibrary.FindShippedModelsFolder()
            ?? throw new UserFacingException("no models/ folder found; give the folder to write to");
        if (!Directory.Exists(folder))
        {
            throw new UserFacingException($"folder does not exist: {folder}");
        }

        var path = Path.Combine(folder, ToonStyleGraph.StyleName + ".onnx");
        File.WriteAllBytes(path, ToonStyleGraph.Build().ToByteArray());
        Console.Out.WriteLine($"wrote {path}");
        return 0;
    }
}
