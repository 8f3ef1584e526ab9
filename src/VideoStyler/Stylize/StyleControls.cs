namespace VideoStyler.Stylize;

/// <summary>User controls applied to a stylized frame: --strength, --preserve-colors, --mask.</summary>
public sealed record StyleControls
{
    /// <summary>0..1: how much of the style to keep (the rest is the original picture).</summary>
    public double Strength { get; init; } = 1.0;

    /// <summary>Keep the source's colours (chroma) and take only the style's luminance.</summary>
    public bool PreserveColors { get; init; }

    /// <summary>An image or a video: white = styled, black = original.</summary>
    public string? MaskPath { get; init; }

    /// <summary>Visible text drawn on every output frame.</summary>
    public string? Watermark { get; init; }

    /// <summary>True when the controls leave the stylized frame as the model made it.</summary>
    public bool IsIdentity => Strength >= 1.0 && !PreserveColors && MaskPath is null && Watermark is null;
}
