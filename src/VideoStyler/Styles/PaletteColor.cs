namespace VideoStyler.Styles;

/// <summary>One dominant colour of a painting: "#RRGGBB" and the share of the picture it covers (0..1).</summary>
internal sealed record PaletteColor(string Hex, double Share);
