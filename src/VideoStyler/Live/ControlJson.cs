using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using VideoStyler.Styles;

namespace VideoStyler.Live;

/// <summary>
/// The control server's JSON answers (indented, one trailing newline, as the endpoint always wrote them),
/// through the library's one JSON context (<see cref="VideoStylerJson"/>).
/// </summary>
internal static class ControlJson
{
    /// <summary>The live controls after a change: {"strength", "temporal", "paused"}.</summary>
    public static string Controls(LiveControls controls) =>
        Write(new ControlsAnswer(Math.Round(controls.Strength, 3), controls.Temporal, controls.Paused), VideoStylerJson.Default.ControlsAnswer);

    /// <summary>A refused value: {"error"}.</summary>
    public static string Error(string message) => Write(new ErrorAnswer(message), VideoStylerJson.Default.ErrorAnswer);

    /// <summary>A style switch under way: {"style", "added" (uploads only), "status"}.</summary>
    public static string Switched(string style, string? added) =>
        Write(new SwitchAnswer(style, added, "switching at the next keyframe"), VideoStylerJson.Default.SwitchAnswer);

    /// <summary>GET /styles: every style with its kind, title, tags, palette and thumbnail address.</summary>
    public static string Styles(IEnumerable<StyleEntry> styles) =>
        Write(
            styles.Select(s => new StyleAnswer(
                s.Name,
                s.Kind == StyleKind.Picture ? "picture" : "network",
                s.Title,
                s.Tags,
                [.. s.Palette.Select(c => new ColourAnswer(c.Hex, c.Share))],
                s.ThumbnailPath is null ? null : "thumb/" + Uri.EscapeDataString(s.Name),
                s.Origin)).ToList(),
            VideoStylerJson.Default.ListStyleAnswer);

    /// <summary>The status figures the session built.</summary>
    public static string Status(JsonObject status) => status.ToJsonString(VideoStylerJson.Default.Options) + "\n";

    private static string Write<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Serialize(value, type) + "\n";

    /// <summary>POST /strength, /temporal, /pause: the controls as they are now.</summary>
    internal sealed record ControlsAnswer(double Strength, bool Temporal, bool Paused);

    /// <summary>A refused request.</summary>
    internal sealed record ErrorAnswer(string Error);

    /// <summary>POST /style and /styles/upload.</summary>
    internal sealed record SwitchAnswer(
        string Style,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Added,
        string Status);

    /// <summary>One entry of GET /styles.</summary>
    internal sealed record StyleAnswer(
        string Name,
        string Kind,
        string? Title,
        IReadOnlyDictionary<string, string> Tags,
        IReadOnlyList<ColourAnswer> Palette,
        string? Thumbnail,
        string Origin);

    /// <summary>One palette colour of a style.</summary>
    internal sealed record ColourAnswer(string Hex, double Share);
}
