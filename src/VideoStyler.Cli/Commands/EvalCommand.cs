using System.CommandLine;
using VideoStyler.Cli.Parsing;
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
    /// <summary>The eval verb group: flicker, frontier, style.</summary>
    internal static Command Create() => new("eval", "measure a stylized clip: temporal flicker, the best flicker/style trade-off, content and style losses")
    {
        FlickerCommand(),
        FrontierCommand(),
        StyleCommand(),
    };

    private static Option<int> FramesOption() =>
        CliOptions.Int("--frames", "N", StyleMeter.DefaultFrames, 0, int.MaxValue, "frames the style measures sample, spread over the clip (default 30, 0 = all)");

    private static Command FlickerCommand()
    {
        var input = new Argument<string>("INPUT") { Description = "the source clip" };
        var output = new Argument<string>("OUTPUT") { Description = "the stylized clip" };
        var reference = CliOptions.Text("--ref", "PERFRAME", "the same clip stylized with --no-temporal");
        var frames = FramesOption();
        var command = HelpDetails.Command("flicker", "measure the temporal flicker of a stylized clip (JSON)", """
            Prints JSON: e_warp_output and e_warp_input (Lai et al. 2018 warp error: consecutive frames
            warped with flow measured on INPUT, occluded pixels masked, squared RGB error in [0,1] over the
            kept pixels); with --ref (the same clip stylized with --no-temporal): flicker_ratio (e_warp of
            OUTPUT / e_warp of PERFRAME), retention (1 - mean|O-R| / mean|R-I|) and sharpness (Laplacian
            variance of OUTPUT over that of PERFRAME), gram_retention and content_ratio (as in eval style,
            on style_frames frames spread over the clip; --frames N sets how many, 0 all, default 30).
            The clips must have the same frames and size.
            """,
            input, output, reference, frames);
        command.SetAction(parse => RunFlicker(parse.GetRequiredValue(input), parse.GetRequiredValue(output), parse.GetValue(reference), parse.GetValue(frames)));
        return command;
    }

    private static int RunFlicker(string input, string output, string? reference, int styleFrames)
    {
        try
        {
            var report = FlickerMeter.Measure(input, output, reference, styleFrames);
            Console.Out.WriteLine(report.ToJson());
            return 0;
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
        {
            throw new UserFacingException(ex.Message);
        }
    }

    private static Command FrontierCommand()
    {
        var input = new Argument<string>("INPUT") { Description = "the source clip" };
        var reference = CliOptions.Text("--ref", "PERFRAME", "the same clip stylized with --no-temporal (required)");
        var output = CliOptions.Text("--output", "OUTPUT", "a stylized clip whose own figures are measured on the same pixels");
        var flicker = CliOptions.Double("--flicker", "R", 0.15, 0.001, 0.999, "the flicker ratio best_retention is read at (default 0.15)");
        var command = HelpDetails.Command("frontier", "the best flicker/style trade-off any temporal stage could reach on a clip (JSON)", """
            Bounds what any temporal stage can reach on this clip and style. On the pixels that stay still
            through the whole clip (the flicker meter's own flow and occlusion mask), finds the best
            possible output knowing every frame in advance: for each exchange rate, the least style lost
            (|O-R|) for the flicker kept (squared change). Prints JSON: static_share, the curve of
            (flicker_ratio, retention) pairs, best_retention at flicker ratio R (default 0.15), and with
            --output that clip's own figures on the same pixels. About 0.5 s per frame plus a minute.
            """,
            input, reference, output, flicker);
        command.Validators.Add(result =>
        {
            if (result.GetResult(reference) is null)
            {
                result.AddError("give INPUT and --ref PERFRAME (see videostyler eval frontier --help)");
            }
        });
        command.SetAction(parse => RunFrontier(parse.GetRequiredValue(input), parse.GetRequiredValue(reference), parse.GetValue(output), parse.GetValue(flicker)));
        return command;
    }

    private static int RunFrontier(string input, string reference, string? output, double target)
    {
        try
        {
            var report = FlickerFrontier.Measure(input, reference, output, target);
            Console.Out.WriteLine(report.ToJson());
            return 0;
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
        {
            throw new UserFacingException(ex.Message);
        }
    }

    private static Command StyleCommand()
    {
        var output = new Argument<string>("OUTPUT") { Description = "the stylized clip or image" };
        var content = CliOptions.Text("--content", "INPUT", "the source clip or image (required)");
        var reference = CliOptions.Text("--ref", "PERFRAME", "the same clip stylized with --no-temporal");
        var styleImage = CliOptions.Text("--style-image", "S", "the style picture (adds style_loss)");
        var frames = FramesOption();
        var command = HelpDetails.Command("style", "content and style losses of a stylized clip or image (JSON)", """
            Content and style losses on an ImageNet ResNet18 (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18
            0.23.1, from the NuGet cache): frames scaled to a short side of 224 (sides multiples of 32),
            BGR 0..255 minus the ImageNet mean; features F_l of conv1, layer1..layer4 and their Gram
            matrices G_l = F F^T / (C H W). Prints JSON: content_loss (||F(O)-F(I)||^2 / (C H W) at layer2),
            style_loss (sum over layers of ||G_l(O)-G_l(S)||^2, with --style-image), and with --ref:
            gram_retention (1 - sum ||G_l(O)-G_l(R)||^2 / sum ||G_l(I)-G_l(R)||^2), content_ratio
            (||F(O)-F(I)||^2 / ||F(R)-F(I)||^2 at layer2) and the retention per layer; frames_sampled says
            on how many frames (N spread over the clip, default 30, 0 = all). OUTPUT, INPUT and PERFRAME may
            be videos or still images of the same size.
            """,
            output, content, reference, styleImage, frames);
        command.Validators.Add(result =>
        {
            if (result.GetResult(content) is null)
            {
                result.AddError("give OUTPUT and --content INPUT (see videostyler eval style --help)");
            }
        });
        command.SetAction(parse => RunStyle(
            parse.GetRequiredValue(output), parse.GetRequiredValue(content), parse.GetValue(reference), parse.GetValue(styleImage), parse.GetValue(frames)));
        return command;
    }

    private static int RunStyle(string output, string content, string? reference, string? styleImage, int frames)
    {
        try
        {
            var report = StyleMeter.Measure(output, content, reference, styleImage, frames);
            Console.Out.WriteLine(report.ToJson());
            return 0;
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
        {
            throw new UserFacingException(ex.Message);
        }
    }
}
