using VideoStyler.Quality;
using VideoStyler.Temporal;

namespace VideoStyler.Cli.Commands;

/// <summary>
/// `videostyler eval flicker INPUT OUTPUT [--ref PERFRAME]`: temporal-consistency metrics as JSON;
/// `videostyler eval frontier INPUT --ref PERFRAME [--output OUTPUT]`: the best trade-off any temporal stage could reach;
/// `videostyler eval style OUTPUT --content INPUT [--ref PERFRAME] [--style-image S]`: content and style losses.
/// </summary>
internal static class EvalCommand
{
    public const string Help = """
        usage: videostyler eval flicker INPUT OUTPUT [--ref PERFRAME]

        Prints JSON: e_warp_output and e_warp_input (Lai et al. 2018 warp error: consecutive frames
        warped with flow measured on INPUT, occluded pixels masked, squared RGB error in [0,1] over the
        kept pixels); with --ref (the same clip stylized with --no-temporal): flicker_ratio (e_warp of
        OUTPUT / e_warp of PERFRAME), retention (1 - mean|O-R| / mean|R-I|) and sharpness (Laplacian
        variance of OUTPUT over that of PERFRAME), gram_retention and content_ratio (as in eval style,
        on style_frames frames spread over the clip; --frames N sets how many, 0 all, default 30).
        The clips must have the same frames and size.

        usage: videostyler eval frontier INPUT --ref PERFRAME [--output OUTPUT] [--flicker R]

        Bounds what any temporal stage can reach on this clip and style. On the pixels that stay still
        through the whole clip (the flicker meter's own flow and occlusion mask), finds the best
        possible output knowing every frame in advance: for each exchange rate, the least style lost
        (|O-R|) for the flicker kept (squared change). Prints JSON: static_share, the curve of
        (flicker_ratio, retention) pairs, best_retention at flicker ratio R (default 0.15), and with
        --output that clip's own figures on the same pixels. About 0.5 s per frame plus a minute.

        usage: videostyler eval style OUTPUT --content INPUT [--ref PERFRAME] [--style-image S] [--frames N]

        Content and style losses on an ImageNet ResNet18 (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18
        0.23.1, from the NuGet cache): frames scaled to a short side of 224 (sides multiples of 32),
        BGR 0..255 minus the ImageNet mean; features F_l of conv1, layer1..layer4 and their Gram
        matrices G_l = F F^T / (C H W). Prints JSON: content_loss (||F(O)-F(I)||^2 / (C H W) at layer2),
        style_loss (sum over layers of ||G_l(O)-G_l(S)||^2, with --style-image), and with --ref:
        gram_retention (1 - sum ||G_l(O)-G_l(R)||^2 / sum ||G_l(I)-G_l(R)||^2), content_ratio
        (||F(O)-F(I)||^2 / ||F(R)-F(I)||^2 at layer2) and the retention per layer; frames_sampled says
        on how many frames (N spread over the clip, default 30, 0 = all). OUTPUT, INPUT and PERFRAME may
        be videos or still images of the same size.
        """;

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Out.WriteLine(Help);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] == "frontier")
        {
            return RunFrontier(args[1..]);
        }

        if (args[0] == "style")
        {
            return RunStyle(args[1..]);
        }

        if (args[0] != "flicker")
        {
            throw new UsageException($"eval: unknown measure '{args[0]}' (flicker, frontier, style)");
        }

        var line = CommandLine.Parse("eval flicker", args[1..], ["--ref", "--frames"], []);
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
            var styleFrames = line.GetInt("--frames", StyleMeter.DefaultFrames, 0, int.MaxValue);
            var report = FlickerMeter.Measure(line.Positionals[0], line.Positionals[1], line.Get("--ref"), styleFrames);
            Console.Out.WriteLine(report.ToJson());
            return 0;
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
        {
            throw new UserFacingException(ex.Message);
        }
    }

    private static int RunFrontier(string[] args)
    {
        var line = CommandLine.Parse("eval frontier", args, ["--ref", "--output", "--flicker"], []);
        if (line.HelpRequested)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }

        var reference = line.Get("--ref");
        if (line.Positionals.Count != 1 || reference is null)
        {
            throw new UsageException("eval frontier: give INPUT and --ref PERFRAME (see videostyler eval --help)");
        }

        var target = line.GetDouble("--flicker", 0.15, 0.001, 0.999);
        try
        {
            var report = FlickerFrontier.Measure(line.Positionals[0], reference, line.Get("--output"), target);
            Console.Out.WriteLine(report.ToJson());
            return 0;
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
        {
            throw new UserFacingException(ex.Message);
        }
    }

    private static int RunStyle(string[] args)
    {
        var line = CommandLine.Parse("eval style", args, ["--content", "--ref", "--style-image", "--frames"], []);
        if (line.HelpRequested)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }

        var content = line.Get("--content");
        if (line.Positionals.Count != 1 || content is null)
        {
            throw new UsageException("eval style: give OUTPUT and --content INPUT (see videostyler eval --help)");
        }

        var frames = line.GetInt("--frames", StyleMeter.DefaultFrames, 0, int.MaxValue);
        try
        {
            var report = StyleMeter.Measure(line.Positionals[0], content, line.Get("--ref"), line.Get("--style-image"), frames);
            Console.Out.WriteLine(report.ToJson());
            return 0;
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
        {
            throw new UserFacingException(ex.Message);
        }
    }
}
