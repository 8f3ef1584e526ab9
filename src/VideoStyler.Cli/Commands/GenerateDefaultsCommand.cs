using System.CommandLine;
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
    /// <summary>The models generate-defaults verb.</summary>
    internal static Command Create()
    {
        var dir = new Argument<string?>("DIR") { Description = "the folder to write toon.onnx to (default: the repository's models/)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("generate-defaults", "rebuild the project's own default style (models/toon.onnx)") { dir };
        command.SetAction(parse => Run(parse.GetValue(dir)));
        return command;
    }

    private static int Run(string? dir)
    {
        var folder = dir ?? StyleLibrary.FindShippedModelsFolder()
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
