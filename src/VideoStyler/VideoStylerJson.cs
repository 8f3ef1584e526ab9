using System.Text.Json;
using System.Text.Json.Serialization;
using VideoStyler.Live;
using VideoStyler.Models;
using VideoStyler.Quality;
using VideoStyler.ScaleOut;
using VideoStyler.Styles;
using VideoStyler.Stylize;
using VideoStyler.Temporal;

namespace VideoStyler;

/// <summary>
/// The library's one JSON contract: every type it reads or writes as JSON (model and style manifests, the
/// model catalog, scale-out job and segment files, eval reports, the live control server's answers), source-generated, with one set of options:
/// snake_case names, indented output, nulls written, enums as snake_case strings, comments and trailing
/// commas accepted on read. Manifests leave out their absent fields (their optional members say
/// <see cref="JsonIgnoreCondition.WhenWritingNull"/>), reports write every field.
/// The CLI's report types live in the CLI's own context with the same options (one context per assembly:
/// a context can only name types its assembly sees).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    Converters = [typeof(SnakeCaseEnumConverter<ExecutionDevice>)])]
[JsonSerializable(typeof(ModelManifest))]
[JsonSerializable(typeof(ModelCatalog))]
[JsonSerializable(typeof(StyleManifest))]
[JsonSerializable(typeof(JobSpec))]
[JsonSerializable(typeof(SegmentStats))]
[JsonSerializable(typeof(StyleReport))]
[JsonSerializable(typeof(FlickerReport))]
[JsonSerializable(typeof(FrontierReport))]
[JsonSerializable(typeof(ControlJson.ControlsAnswer))]
[JsonSerializable(typeof(ControlJson.ErrorAnswer))]
[JsonSerializable(typeof(ControlJson.SwitchAnswer))]
[JsonSerializable(typeof(List<ControlJson.StyleAnswer>))]
internal sealed partial class VideoStylerJson : JsonSerializerContext;
