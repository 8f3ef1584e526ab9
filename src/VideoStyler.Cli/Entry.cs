using VideoStyler.Cli.Commands;

namespace VideoStyler.Cli;

/// <summary>Dispatches verbs and turns every failure into one line on stderr and an exit code.</summary>
internal static class Entry
{
    public const string Usage = """
        videostyler — real-time video stylization with ONNX style models

        usage: videostyler <command> [options]

        commands:
          stylize INPUT -o OUTPUT   stylize a video or image file (batch, nothing dropped)
          live --input SRC --output SINK   stylize a camera or stream live (latency held)
          styles list|show|add|remove   every style (paintings and ONNX networks): find by tag or
                                    likeness, describe, add a picture as a style, remove
          models list|inspect       list the styles and their tags; inspect a model's conventions
          eval flicker IN OUT       measure temporal flicker of a stylized clip
          eval frontier IN --ref R  the best flicker/style trade-off any temporal stage could reach
          bench                     measure bare-model vs pipeline speed
          devices                   list execution providers (CPU, CUDA): usable, or why not
          inspect FILE              show whether a video or image was AI-stylized by VideoStyler, and how
          plan INPUT -o OUTPUT --segments N   cut a job into segments for Slurm, Kubernetes or local workers
          run-segment JOBDIR [INDEX]          stylize one segment of a planned job
          join JOBDIR               join a job's finished segments into its output

        options:
          -h, --help                help (also after every command)
          --version                 print the version
          --verbose                 show details (ffmpeg's stderr, stack traces) on errors

        example:
          videostyler stylize samples/sample.mp4 -o out.mp4
          videostyler stylize in.mkv -o out.mp4 --style ../shared/models/candy.onnx --size 360
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var verbose = args.Contains("--verbose");
        var rest = args.Where(a => a != "--verbose").ToArray();
        try
        {
            if (rest.Length == 0 || rest[0] is "-h" or "--help" or "help")
            {
                Console.Out.WriteLine(Usage);
                return rest.Length == 0 ? ExitCodes.Usage : ExitCodes.Ok;
            }

            if (rest[0] == "--version")
            {
                Console.Out.WriteLine(Pipeline.StylizeRunner.ToolVersion);
                return 0;
            }

            var tail = rest.Skip(1).ToArray();
            return rest[0] switch
            {
                "stylize" => await StylizeCommand.RunAsync(tail),
                "live" => await LiveCommand.RunAsync(tail),
                "models" => ModelsCommand.Run(tail),
                "styles" => StylesCommand.Run(tail),
                "bench" => await BenchCommand.RunAsync(tail),
                "devices" => DevicesCommand.Run(tail),
                "inspect" => await InspectCommand.RunAsync(tail),
                "eval" => EvalCommand.Run(tail),
                "plan" => await PlanCommand.RunAsync(tail),
                "run-segment" => await RunSegmentCommand.RunAsync(tail),
                "join" => await JoinCommand.RunAsync(tail),
                _ => throw new UsageException($"unknown command '{rest[0]}' (see videostyler --help)"),
            };
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (UserFacingException ex)
        {
            Console.Error.WriteLine($"error: {OneLine(ex.Message)}");
            if (verbose && ex.Details is { } details)
            {
                Console.Error.WriteLine(details);
            }

            return ex.ExitCode;
        }
        catch (Exception ex) when (IsNativeLoadFailure(ex))
        {
            Console.Error.WriteLine($"error: a native library failed to load ({OneLine(Innermost(ex).Message)}); run scripts/setup.sh to install ffmpeg and libgtk-3-0");
            return ExitCodes.Error;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"error: unexpected failure: {ex.GetType().Name}: {OneLine(ex.Message)} (run with --verbose for details)");
            if (verbose)
            {
                Console.Error.WriteLine(ex);
            }

            return ExitCodes.InternalError;
        }
    }

    internal static string OneLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? text : string.Join(" | ", lines.Take(2));
    }

    private static bool IsNativeLoadFailure(Exception ex) =>
        Innermost(ex) is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException;

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
