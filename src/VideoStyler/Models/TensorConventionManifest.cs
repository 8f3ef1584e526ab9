namespace VideoStyler.Models;

/// <summary>The "input"/"output" part of a manifest: which tensor and how pixels are encoded in it.</summary>
internal sealed record TensorConventionManifest
{
    public string? Name { get; init; }

    /// <summary>"NCHW" or "NHWC".</summary>
    public string? Layout { get; init; }

    /// <summary>"RGB" or "BGR".</summary>
    public string? ChannelOrder { get; init; }

    /// <summary>"0..255", "0..1" or "-1..1".</summary>
    public string? Range { get; init; }
}
