namespace VideoStyler.Styles;

/// <summary>
/// The numbers the computed tags come from (see <see cref="StyleTagRules"/> for the thresholds), kept in
/// the manifest so a user can see why a painting was called warm, muted or bold.
/// </summary>
internal sealed record StyleMeasures
{
    /// <summary>-1 (all colour in cool hues) .. +1 (all in warm hues), each pixel weighted by its chroma squared (strong colours count most).</summary>
    public double Warmth { get; init; }

    /// <summary>Mean chroma (max - min of R, G, B, 0..1): how colourful the picture is.</summary>
    public double Chroma { get; init; }

    /// <summary>Mean value (max of R, G, B, 0..1): how light the picture is.</summary>
    public double Value { get; init; }

    /// <summary>RMS contrast: standard deviation of luminance (0..1).</summary>
    public double Contrast { get; init; }

    /// <summary>
    /// Where the detail energy sits, in octaves of a 512 px (long side) picture: the energy-weighted
    /// mean level of its Laplacian pyramid (0 = 1-2 px detail, 4 = 16-32 px shapes).
    /// </summary>
    public double StrokeOctave { get; init; }

    /// <summary>The share of detail energy at each pyramid level (finest first).</summary>
    public double[] BandEnergy { get; init; } = [];
}
