namespace VideoStyler.Live;

/// <summary>Waits between reconnect attempts: <see cref="First"/>, doubling up to <see cref="Cap"/>.</summary>
internal sealed record ReconnectBackoff
{
    public static ReconnectBackoff Default { get; } = new();

    public TimeSpan First { get; init; } = TimeSpan.FromSeconds(0.5);

    public TimeSpan Cap { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>The wait before attempt <paramref name="attempt"/> (1 = the first attempt after a loss).</summary>
    public TimeSpan Delay(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var doublings = Math.Min(attempt - 1, 30);
        var ticks = First.Ticks * Math.Pow(2, doublings);
        return ticks >= Cap.Ticks ? Cap : TimeSpan.FromTicks((long)ticks);
    }
}
