using VideoStyler.Temporal;

namespace VideoStyler.Cli.Commands;

/// <summary>`videostyler eval flicker INPUT OUTPUT [--ref PERFRAME]`: temporal-consistency metrics as JSON.</summary>
public static class EvalCommand
{
    public const string Help = """
        usage: videostyler eval flicker INPUT OUTPUT [--ref PERFRAME]

        Prints JSON: e_warp_output and e_warp_input (Lai et al. 2018 warp error: consecutive frames
        warped with flow measured on INPUT, occluded pixels masked, squared RGB error in [0,1] over the
        kept pixels); with --ref (the same clip stylized with --no-temporal): flicker_ratio (e_warp of
        OUTPUT / e_warp of PERFRAME), retention (1 - mean|O-R| / mean|R-I|) and sharpness (Laplacian
        variance of OUTPUT over that of PERFRAME). The clips must have the same frames and size.
        """;

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Out.WriteLine(Help);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] != "flicker")
        {
            throw new UsageException($"eval: unknown measure '{args[0]}' (flicker)");
        }

        var line = CommandLine.Parse("eval flicker", args[1..], ["--ref"], []);
        if (line.HelpRequested)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }

        if (line.Positionals.Count != 2)
        {
            throw new UsageException("eval flicker: give INPUT and OUTPUT (see videostyler eval --help)");
        }

        try
        {
            var report = FlickerMeter.Measure(line.Positionals[0], line.Positionals[1], line.Get("--ref"));
            Console.Out.WriteLine(report.ToJson());
            return 0;
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
        {
            throw new UserFacingException(ex.Message);
        }
    }
}
