namespace VideoStyler.Stylize;

/// <summary>
/// How one axis of the processing-size frame is cut into tiles: <see cref="Count"/> tiles of
/// <see cref="TileLength"/> pixels at <see cref="Starts"/>, spread evenly so that neighbours overlap
/// by at least the requested overlap. They cover the canvas: the content, reflect-padded at the end
/// when it is shorter than one tile.
/// </summary>
internal sealed class TileAxis
{
    private readonly int[] _starts;

    private TileAxis(int contentLength, int tileLength, int[] starts)
    {
        ContentLength = contentLength;
        TileLength = tileLength;
        _starts = starts;
    }

    public int ContentLength { get; }

    public int TileLength { get; }

    public int CanvasLength => Math.Max(ContentLength, TileLength);

    public int Count => _starts.Length;

    public IReadOnlyList<int> Starts => _starts;

    /// <param name="length">The content's length along this axis (processing space).</param>
    /// <param name="maxTile">The longest tile allowed (free dims only).</param>
    /// <param name="overlap">The least overlap of two neighbouring tiles; less than a tile.</param>
    /// <param name="multiple">Tile lengths are multiples of this (free dims only).</param>
    /// <param name="fixedTile">The model's fixed length along this axis, or null when it is free.</param>
    public static TileAxis Plan(int length, int maxTile, int overlap, int multiple, int? fixedTile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        multiple = Math.Max(1, multiple);
        var tile = fixedTile ?? Math.Max(multiple, maxTile / multiple * multiple);
        if (length <= tile)
        {
            return new TileAxis(length, fixedTile ?? RoundUp(length, multiple), [0]);
        }

        overlap = Math.Clamp(overlap, 0, tile / 2);
        var count = (int)Math.Ceiling((double)(length - overlap) / (tile - overlap));
        if (fixedTile is null)
        {
            // The shortest tile of the multiple that still gives `count` tiles the overlap: no model
            // time is spent on overlap beyond what was asked for.
            tile = Math.Min(tile, RoundUp((length + ((count - 1) * overlap) + count - 1) / count, multiple));
        }

        var starts = new int[count];
        for (var i = 0; i < count; i++)
        {
            starts[i] = (int)Math.Round((double)i * (length - tile) / (count - 1));
        }

        return new TileAxis(length, tile, starts);
    }

    /// <summary>
    /// Feathered weights along the axis for every tile, normalised so they sum to 1 at every canvas
    /// position: each tile ramps linearly up (and down) across the middle half of its overlap with a
    /// neighbour; the quarter of the overlap nearest to a tile's cut edge, where the network saw an
    /// artificial border, gets no weight. The frame's own borders get full weight.
    /// </summary>
    public float[][] FeatherWeights()
    {
        var weights = new float[Count][];
        var sums = new double[CanvasLength];
        for (var i = 0; i < Count; i++)
        {
            var w = new float[TileLength];
            Array.Fill(w, 1f);
            if (i > 0)
            {
                var overlap = _starts[i - 1] + TileLength - _starts[i];
                for (var p = 0; p < overlap; p++)
                {
                    w[p] *= Ramp(p, overlap);
                }
            }

            if (i < Count - 1)
            {
                var overlap = _starts[i] + TileLength - _starts[i + 1];
                for (var p = 0; p < overlap; p++)
                {
                    w[TileLength - 1 - p] *= Ramp(p, overlap);
                }
            }

            for (var p = 0; p < TileLength; p++)
            {
                sums[_starts[i] + p] += w[p];
            }

            weights[i] = w;
        }

        // The weight accumulator of this axis: dividing by it makes the weights a partition of unity
        // even where overlaps differ by a pixel of rounding (or three tiles meet on a tiny canvas).
        for (var i = 0; i < Count; i++)
        {
            for (var p = 0; p < TileLength; p++)
            {
                weights[i][p] = (float)(weights[i][p] / sums[_starts[i] + p]);
            }
        }

        return weights;
    }

    /// <summary>Weight at <paramref name="distance"/> pixels from a cut edge, 0..1 over an overlap.</summary>
    private static float Ramp(int distance, int overlap)
    {
        var dead = overlap / 4.0;
        var rise = overlap - (2 * dead);
        return (float)Math.Clamp((distance + 0.5 - dead) / rise, 1e-4, 1.0);
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
