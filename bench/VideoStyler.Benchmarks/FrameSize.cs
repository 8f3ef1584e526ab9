namespace VideoStyler.Benchmarks;

/// <summary>
/// A benchmark frame size. Shown as "640x480" in the results and ordered by pixel count (a string
/// parameter would sort "1920x1080" before "640x480").
/// </summary>
public readonly record struct FrameSize(int Width, int Height) : IComparable<FrameSize>, IComparable
{
    /// <summary>The sizes every frame benchmark runs at.</summary>
    public static IEnumerable<FrameSize> All { get; } = [new(640, 480), new(1920, 1080)];

    public int CompareTo(FrameSize other) => ((long)Width * Height).CompareTo((long)other.Width * other.Height);

    public int CompareTo(object? obj) => obj is FrameSize other
        ? CompareTo(other)
        : throw new ArgumentException($"expected a {nameof(FrameSize)}", nameof(obj));

    public override string ToString() => $"{Width}x{Height}";

    /// <summary>Fewer pixels than <paramref name="right"/>.</summary>
    public static bool operator <(FrameSize left, FrameSize right) => left.CompareTo(right) < 0;

    /// <summary>At most as many pixels as <paramref name="right"/>.</summary>
    public static bool operator <=(FrameSize left, FrameSize right) => left.CompareTo(right) <= 0;

    /// <summary>More pixels than <paramref name="right"/>.</summary>
    public static bool operator >(FrameSize left, FrameSize right) => left.CompareTo(right) > 0;

    /// <summary>At least as many pixels as <paramref name="right"/>.</summary>
    public static bool operator >=(FrameSize left, FrameSize right) => left.CompareTo(right) >= 0;
}
