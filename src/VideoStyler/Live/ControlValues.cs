using System.Globalization;

namespace VideoStyler.Live;

/// <summary>
/// Checks every value a control request sets: finite numbers in range (NaN slips through any range
/// check and breaks the JSON of /status), booleans, and style names from the listed folders only (a
/// path would let a page probe which files exist). Errors are <see cref="UserFacingException"/>s.
/// </summary>
internal static class ControlValues
{
    /// <summary>A finite number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static double Number(string text, string what, double min, double max)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value < min || value > max)
        {
            throw new UserFacingException(string.Create(CultureInfo.InvariantCulture, $"{what} must be a number from {min} to {max}, not '{Shorten(text)}'"));
        }

        return value;
    }

    /// <summary>true/false (1/0, on/off, yes/no); empty or "toggle" gives <paramref name="toggled"/>.</summary>
    public static bool Boolean(string text, bool toggled) => text.ToLowerInvariant() switch
    {
        "" or "toggle" => toggled,
        "1" or "true" or "on" or "yes" => true,
        "0" or "false" or "off" or "no" => false,
        _ => throw new UserFacingException($"expected true or false, not '{Shorten(text)}'"),
    };

    /// <summary>A style name exactly as listed (GET /styles); paths and anything else are refused alike.</summary>
    public static string StyleName(string text, IReadOnlyCollection<string> listed)
    {
        var name = text.Trim();
        if (!listed.Contains(name, StringComparer.Ordinal))
        {
            throw new UserFacingException($"unknown style '{Shorten(name)}': give one of the listed style names (GET /styles)");
        }

        return name;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
