namespace VideoStyler.Temporal;

/// <summary>Parsing and naming of <see cref="TemporalMode"/> (<c>--temporal-mode pixel|stats|stats+pixel</c>).</summary>
public static class TemporalModes
{
    /// <summary>The mode a run gets without --temporal-mode.</summary>
    public const TemporalMode Default = TemporalMode.StatsAndPixel;

    public static bool TryParse(string? text, out TemporalMode mode)
    {
        switch (text?.ToLowerInvariant())
        {
            case "pixel":
                mode = TemporalMode.Pixel;
                return true;
            case "stats":
                mode = TemporalMode.Stats;
                return true;
            case "stats+pixel" or "pixel+stats" or "both":
                mode = TemporalMode.StatsAndPixel;
                return true;
            default:
                mode = Default;
                return false;
        }
    }

    public static string Name(TemporalMode mode) => mode switch
    {
        TemporalMode.Pixel => "pixel",
        TemporalMode.Stats => "stats",
        _ => "stats+pixel",
    };
}
