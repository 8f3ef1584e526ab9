namespace VideoStyler.Live;

/// <summary>What the control endpoint can change while streaming; read by the output loop every frame.</summary>
internal sealed class LiveControls
{
    private double _strength = 1.0;
    private volatile bool _temporal = true;
    private volatile bool _paused;

    /// <summary>0..1: how much of the style to show (the rest is the live picture).</summary>
    public double Strength
    {
        get => Volatile.Read(ref _strength);
        set => Volatile.Write(ref _strength, double.IsFinite(value) ? Math.Clamp(value, 0, 1) : throw new ArgumentOutOfRangeException(nameof(value), value, "strength must be a finite number"));
    }

    /// <summary>Propagation: warp the last keyframe along the optical flow (off: show it as it is).</summary>
    public bool Temporal
    {
        get => _temporal;
        set => _temporal = value;
    }

    /// <summary>Paused: the model rests and the live picture goes out unstyled (the stream keeps running).</summary>
    public bool Paused
    {
        get => _paused;
        set => _paused = value;
    }
}
