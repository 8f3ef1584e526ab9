namespace VideoStyler.Styles;

/// <summary>What <see cref="StyleAnalyzer"/> computes from a painting: its palette, its measures and the tags they give.</summary>
internal sealed record StyleAnalysis(IReadOnlyList<PaletteColor> Palette, StyleMeasures Measures, IReadOnlyDictionary<string, string> Tags);
