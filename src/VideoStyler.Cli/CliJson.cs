using System.Text.Json;
using System.Text.Json.Serialization;
using VideoStyler.Cli.Reports;

namespace VideoStyler.Cli;

/// <summary>
/// The CLI's JSON contract: its report types (--stats, devices, styles list, bench), source-generated with the
/// same options as the library's <see cref="VideoStylerJson"/> (snake_case, indented, nulls written). A
/// context can only name types its own assembly sees, hence one per assembly; a test checks the two agree.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(StylizeStats))]
[JsonSerializable(typeof(DevicesReport))]
[JsonSerializable(typeof(StyleSummary))]
[JsonSerializable(typeof(BenchRow))]
[JsonSerializable(typeof(BenchRows))]
[JsonSerializable(typeof(InProcessBenchReport))]
internal sealed partial class CliJson : JsonSerializerContext;
