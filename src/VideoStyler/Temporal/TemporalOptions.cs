namespace VideoStyler.Temporal;

/// <summary>Settings of the temporal-consistency stage (see <see cref="TemporalBlender"/>).</summary>
internal sealed record TemporalOptions
{
    /// <summary>
    /// 0..1, the <c>--temporal</c> value. Where the flow is trusted the output may change per frame by
    /// <see cref="Tolerance"/> / Strength levels, plus up to <see cref="ConfirmedTolerance"/> / Strength of
    /// any change the next frame confirms: 1 holds hardest (2 + 10), the default 0.5 allows 4 + 20, smaller
    /// values let more of each per-frame result through, 0 passes the stylized frames untouched. The
    /// default balances flicker against retention and sharpness on the candy and mosaic styles.
    /// </summary>
    public double Strength { get; init; } = 0.5;

    /// <summary>
    /// Per-frame change (8-bit levels per channel) allowed at strength 1 and full confidence for a change the
    /// next frame does not confirm (it flickers back). Changes of the stylized frame against the warped
    /// history within the allowance pass unchanged (the per-frame detail survives); larger ones are cut to it.
    /// </summary>
    public double Tolerance { get; init; } = 2.0;

    /// <summary>
    /// Additional per-frame change (8-bit levels per channel, at strength 1 and full confidence) allowed for
    /// the part of a change that the next stylized frame repeats: lasting changes are followed within a
    /// frame or two, passing ones are held. At least <see cref="Tolerance"/>.
    /// </summary>
    public double ConfirmedTolerance { get; init; } = 10.0;

    /// <summary>
    /// Resolution of the optical flow relative to the frame. Half size: Farneback at 320x240 costs about a
    /// quarter of full size; 0.4 and 0.33 are cheaper but measurably softer.
    /// </summary>
    public double FlowScale { get; init; } = 0.5;

    /// <summary>
    /// Input-luminance warp error (8-bit levels, 3x3 mean) around which confidence falls: trusted fully up to
    /// half of it (sensor and compression noise), not at all beyond 1.5 times it (new content, lighting).
    /// </summary>
    public double WarpErrorSigma { get; init; } = 10.0;

    /// <summary>
    /// A frame whose mean flow confidence falls below this fraction of the recent mean is a scene cut. Cuts
    /// between clips from the same room still score about 0.45 against about 0.95 within a clip.
    /// </summary>
    public double SceneCutDrop { get; init; } = 0.6;
}
