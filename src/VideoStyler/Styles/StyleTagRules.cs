namespace VideoStyler.Styles;

/// <summary>
/// The documented thresholds that turn <see cref="StyleMeasures"/> into tags.
/// <list type="bullet">
/// <item>palette temperature: warm hues are red, orange and yellow (hue below 70 degrees or from 330),
/// cool ones cyan and blue (160 to 270); greens and violets count as neither. Warmth = (chroma in warm
/// hues - chroma in cool hues) / all chroma. warm if Warmth &gt;= 0.3, cool if &lt;= -0.3, neutral
/// otherwise or when the picture is nearly colourless (mean chroma &lt; 0.04).</item>
/// <item>vivid if mean chroma &gt;= 0.17, muted otherwise.</item>
/// <item>light if mean value &gt;= 0.55, dark if &lt; 0.40, otherwise neither.</item>
/// <item>texture: fine if the detail's mean pyramid level &lt; 1.6, bold if &gt;= 2.4, medium between.</item>
/// <item>contrast: low if RMS luminance contrast &lt; 0.17, high if &gt;= 0.27, normal between.</item>
/// </list>
/// Tags: palette = "warm|cool|neutral,vivid|muted[,light|dark]", texture = fine|medium|bold, contrast = low|normal|high.
/// </summary>
internal static class StyleTagRules
{
    public const double WarmHueEnd = 70;
    public const double WarmHueStart = 330;
    public const double CoolHueStart = 160;
    public const double CoolHueEnd = 270;
    public const double WarmAt = 0.3;
    public const double CoolAt = -0.3;
    public const double ColourlessChroma = 0.04;
    public const double VividChroma = 0.17;
    public const double LightValue = 0.55;
    public const double DarkValue = 0.40;
    public const double FineOctave = 1.6;
    public const double BoldOctave = 2.4;
    public const double LowContrast = 0.17;
    public const double HighContrast = 0.27;

    /// <summary>+1 for a warm hue, -1 for a cool one, 0 otherwise (hue in degrees).</summary>
    public static int HueTemperature(double hue) =>
        hue < WarmHueEnd || hue >= WarmHueStart ? 1
        : hue >= CoolHueStart && hue < CoolHueEnd ? -1
        : 0;

    public static Dictionary<string, string> Tags(StyleMeasures m)
    {
        var temperature = m.Chroma < ColourlessChroma ? "neutral"
            : m.Warmth >= WarmAt ? "warm"
            : m.Warmth <= CoolAt ? "cool"
            : "neutral";
        var palette = new List<string> { temperature, m.Chroma >= VividChroma ? "vivid" : "muted" };
        if (m.Value >= LightValue)
        {
            palette.Add("light");
        }
        else if (m.Value < DarkValue)
        {
            palette.Add("dark");
        }

        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["palette"] = string.Join(',', palette),
            ["texture"] = m.StrokeOctave < FineOctave ? "fine" : m.StrokeOctave >= BoldOctave ? "bold" : "medium",
            ["contrast"] = m.Contrast < LowContrast ? "low" : m.Contrast >= HighContrast ? "high" : "normal",
        };
    }
}
