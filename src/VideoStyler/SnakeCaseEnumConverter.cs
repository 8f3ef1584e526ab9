using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoStyler;

/// <summary>Writes and reads <typeparamref name="TEnum"/> as a snake_case string ("auto", "cuda").</summary>
internal sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower)
    where TEnum : struct, Enum;
