using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using VideoStyler.Styles;

namespace VideoStyler.Live;

/// <summary>The control server's JSON answers (indented, one trailing newline, as the endpoint always wrote them).</summary>
internal static partial class ControlJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The live controls after a change: {"strength", "temporal", "paused"}.</summary>
    public static string Controls(LiveControls controls) =>
        Write(new ControlsAnswer(Math.Round(controls.Strength, 3), controls.Temporal, controls.Paused), Context.Default.ControlsAnswer);

    /// <summary>A refused value: {"error"}.</summary>
    public static string Error(string message) => Write(new ErrorAnswer(message), Context.Default.ErrorAnswer);

    /// <summary>A style switch under way: {"style", "added" (uploads only), "status"}.</summary>
    public static string Switched(string style, string? added) =>
        Write(new SwitchAnswer(style, added, "switching at the next keyframe"), Context.Default.SwitchAnswer);

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
            Context.Default.ListStyleAnswer);

    /// <summary>The status figures the session built.</summary>
    public static string Status(JsonObject status) => status.ToJsonString(Indented) + "\n";

    private static string Write<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Serialize(value, type) + "\n";

    /// <summary>POST /strength, /temporal, /pause: the controls as they are now.</summary>
    private sealed record ControlsAnswer(double Strength, bool Temporal, bool Paused);

    /// <summary>A refused request.</summary>
    private sealed record ErrorAnswer(string Error);

    /// <summary>POST /style and /styles/upload.</summary>
    private sealed record SwitchAnswer(
        string Style,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Added,
        string Status);

    /// <summary>One entry of GET /styles.</summary>
    private sealed record StyleAnswer(
        string Name,
        string Kind,
        string? Title,
        IReadOnlyDictionary<string, string> Tags,
        IReadOnlyList<ColourAnswer> Palette,
        string? Thumbnail,
        string Origin);

    /// <summary>One palette colour of a style.</summary>
    private sealed record ColourAnswer(string Hex, double Share);

    /// <summary>The control server's answers, generated at build time (no reflection).</summary>
    [JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
    [JsonSerializable(typeof(ControlsAnswer))]
    [JsonSerializable(typeof(ErrorAnswer))]
    [JsonSerializable(typeof(SwitchAnswer))]
    [JsonSerializable(typeof(List<StyleAnswer>))]
    private sealed partial class Context : JsonSerializerContext;
}
