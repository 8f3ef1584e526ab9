using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using VideoStyler.Pipeline;
using VideoStyler.Stylize;

namespace VideoStyler.Cli.Parsing;

/// <summary>
/// Builds the options every verb declares: a value's parsing, its allowed range and its one-line
/// message live here once, so `--size big`, `--size 9` and `--strength NaN` read the same in every verb.
/// </summary>
internal static class CliOptions
{
    /// <summary>A text option (a file, a name); <paramref name="helpName"/> is its value's placeholder in help.</summary>
    public static Option<string> Text(string name, string helpName, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, HelpName = helpName };

    /// <summary>A text option that may be given more than once (--tag a=b --tag c=d).</summary>
    public static Option<string[]> Repeated(string name, string helpName, string description, params string[] aliases) =>
        new(name, aliases)
        {
            Description = description,
            HelpName = helpName,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };

    /// <summary>--per-frame-network: picture styles keep the stills' transformer in video too.</summary>
    public static Option<bool> PerFrameNetwork(string prefix = "") => Flag("--per-frame-network", prefix + """
        picture styles: run the transformer made for single pictures (the default for video is its copy
        fine-tuned for stability over frames, which keeps the look and flickers less; see tools/stabilize)
        """);

    /// <summary>An option without a value (--force).</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, <paramref name="fallback"/> when not given.</summary>
    public static Option<int> Int(string name, string helpName, int fallback, int min, int max, string description) =>
        Ranged(name, helpName, fallback, min, max, description, ParseInt, text => WholeNumber(name, min, max, text));

    /// <summary>
    /// A finite number from <paramref name="min"/> to <paramref name="max"/>: NaN compares false with
    /// everything and would slip through a range check, so non-finite values are refused outright.
    /// </summary>
    public static Option<double> Double(string name, string helpName, double fallback, double min, double max, string description) =>
        Ranged(name, helpName, fallback, min, max, description, ParseFinite, text => Number(name, min, max, text));

    /// <summary>--device: auto|cpu|cuda|tensorrt (gpu and trt accepted as before).</summary>
    public static Option<ExecutionDevice> Device(string description = "auto|cpu|cuda|tensorrt (default auto: CUDA when present, else CPU)")
    {
        var option = new Option<ExecutionDevice>("--device")
        {
            Description = description,
            HelpName = "D",
            DefaultValueFactory = _ => ExecutionDevice.Auto,
            CustomParser = result => ParseDevice(Token(result)) is { } device
                ? device
                : Fail<ExecutionDevice>(result, $"--device must be auto, cpu, cuda or tensorrt, not '{Token(result)}'"),
        };
        option.CompletionSources.Clear();
        option.CompletionSources.Add("auto", "cpu", "cuda", "tensorrt");
        return option;
    }

    /// <summary>--threads: ONNX Runtime intra-op threads, 0 = one per core.</summary>
    public static Option<int> Threads(int fallback, string description) => Int("--threads", "N", fallback, 0, 256, description);

    /// <summary>--frames-in-flight: frames stylized at once, each by its own copy of the model; 0 = auto.</summary>
    public static Option<int> FramesInFlight() => Int(
        "--frames-in-flight", "K", 0, 0, 16,
        "frames stylized at once, each by its own copy of the model with the cores shared out (default 0 = auto: 2 on 2 cores or more when the style and temporal mode allow it and frames are not tiled; 1 = one model with every core)");

    /// <summary>--models-dir: the user model folder.</summary>
    public static Option<string> ModelsDir() =>
        Text("--models-dir", "DIR", "user model folder (default $XDG_DATA_HOME/videostyler/models)");

    /// <summary>--size: the processing size (short side in pixels).</summary>
    public static Option<int> Size(int fallback, string description) => Int("--size", "N", fallback, 16, 8192, description);

    /// <summary>--max-tile: frames longer than this are stylized in tiles.</summary>
    public static Option<int> MaxTile(string description) =>
        Int("--max-tile", "N", StylizeOptions.DefaultMaxTile, TiledStylizer.MinTile, 16384, description);

    /// <summary>True when the option was written on the command line (not only its default).</summary>
    public static bool Given(this ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    internal static ExecutionDevice? ParseDevice(string text) => text.ToLowerInvariant() switch
    {
        "auto" => ExecutionDevice.Auto,
        "cpu" => ExecutionDevice.Cpu,
        "cuda" or "gpu" => ExecutionDevice.Cuda,
        "tensorrt" or "trt" => ExecutionDevice.TensorRt,
        _ => null,
    };

    /// <summary>A number option: <paramref name="parse"/> reads it, the range is checked, one message for both.</summary>
    private static Option<T> Ranged<T>(
        string name, string helpName, T fallback, T min, T max, string description, Func<string, T?> parse, Func<string, string> message)
        where T : struct, INumber<T>
    {
        var option = new Option<T>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => parse(Token(result)) is { } value ? value : Fail<T>(result, message(Token(result))),
        };
        if (fallback != T.Zero)
        {
            // 0 is "off" or "automatic" (no --control-port, --threads one per core, no --duration): not shown as a default.
            option.DefaultValueFactory = _ => fallback;
        }

        option.Validators.Add(result =>
        {
            // Only a value that parsed (the parser reported the others) and is out of range.
            if (!result.Implicit && parse(Token(result)) is { } value && (value < min || value > max))
            {
                result.AddError(message(Token(result)));
            }
        });
        return option;
    }

    private static int? ParseInt(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static double? ParseFinite(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;

    private static string WholeNumber(string name, int min, int max, string text) =>
        string.Create(CultureInfo.InvariantCulture, $"{name} must be a whole number from {min} to {max}, not '{text}'");

    private static string Number(string name, double min, double max, string text) =>
        string.Create(CultureInfo.InvariantCulture, $"{name} must be a number from {min} to {max}, not '{text}'");

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";

    private static string Token(OptionResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";

    private static T Fail<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }
}
