using System.Text.Json;
using VideoStyler.Cli.Reports;
using VideoStyler.Files;
using VideoStyler.Pipeline;

namespace VideoStyler.Cli.Commands;

/// <summary>Writes the --stats JSON of a stylize run (<see cref="StylizeStats"/>).</summary>
internal static class StatsFile
{
    /// <summary>The --stats file's text: <see cref="StylizeStats"/>, indented, with a final newline.</summary>
    internal static string Text(StylizeResult result) =>
        JsonSerializer.Serialize(StylizeStats.From(result), CliJson.Default.StylizeStats) + "\n";

    /// <summary>Writes the JSON to a --stats file checked before the run (see <see cref="SideFile"/>).</summary>
    public static void Write(SideFile target, StylizeResult result) => target.Write(Text(result));
}
