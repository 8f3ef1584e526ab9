namespace VideoStyler.Temporal;

/// <summary>
/// Where temporal consistency happens (<c>--temporal-mode</c>): in the output pixels (<see cref="TemporalBlender"/>),
/// inside the network (instance-norm statistics carried over time, <see cref="Stylize.SmoothedNormStylizer"/>),
/// or both; or the bottleneck features carried along the flow (<see cref="Stylize.FeatureFlowStylizer"/>). Styles without instance norms get the pixel stage whatever the mode.
/// </summary>
public enum TemporalMode
{
    /// <summary>Features where the style network has a bottleneck to cut at, else the pixel stage (no notice).</summary>
    Auto,

    /// <summary>The flow-guided pixel stage only.</summary>
    Pixel,

    /// <summary>Instance-norm statistics smoothed over frames only.</summary>
    Stats,

    /// <summary>Both: smoothed statistics, then the pixel stage.</summary>
    StatsAndPixel,

    /// <summary>Bottleneck features carried along the optical flow (<see cref="Stylize.FeatureFlowStylizer"/>).</summary>
    Features,

    /// <summary>Both in the network: features carried along the flow, and the decoder's instance-norm statistics smoothed over frames.</summary>
    StatsAndFeatures,
}
