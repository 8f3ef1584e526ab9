using VideoStyler.Frames;
using System.Diagnostics;
using OpenCvSharp;

namespace VideoStyler.Stylize;

/// <summary>
/// Stylizes frames whose processing size is too large to run whole (ONNX Runtime's activation memory
/// grows with the picture) in overlapping tiles of at most maxTile pixels a side: the frame is scaled
/// to the processing size, each tile goes through one <see cref="OnnxStylizer"/> of the tile size, and
/// the tiles are blended with feathered weights (<see cref="TileAxis.FeatherWeights"/>) into a float
/// accumulator, which is converted to 8 bits and scaled back to the frame size. Styles with instance
/// norms first pool their statistics over all tiles so every tile is normalised alike
/// (<see cref="SharedInstanceNorm"/>); without that each tile would come out in its own tone.
/// Memory is bounded by the tile, not the frame: the model never sees more than one tile. Every
/// buffer is allocated once.
/// </summary>
internal sealed class TiledStylizer : IStylizer
{
    private readonly StyleSession _style;
    private readonly OnnxStylizer _tileStylizer;
    private readonly SharedInstanceNorm? _sharedNorm;
    private readonly TileAxis _columns;
    private readonly TileAxis _rows;
    private readonly bool _needsResize;
    private readonly bool _needsPadding;
    private readonly PipelineStats? _stats;

    private readonly Mat _content;       // frame scaled to the processing size (only when padding follows)
    private readonly Mat _canvas;        // content (reflect-padded to at least one tile), 8UC3; reused for the result
    private readonly Mat _canvasContent; // ROI header: the content rectangle of _canvas
    private readonly Mat _accumulator;   // sum of weighted tiles, 32FC3, canvas size
    private readonly Mat[] _canvasTiles;      // ROI headers over _canvas, one per tile
    private readonly Mat[] _accumulatorTiles; // ROI headers over _accumulator, one per tile
    private readonly Mat[] _columnWeights;    // 1 x TileWidth 32FC3 per tile column
    private readonly Mat[] _rowWeights;       // TileHeight x 1 32FC3 per tile row
    private readonly Mat _tile8;         // one stylized tile, 8UC3
    private readonly Mat _tileFloat;     // the same as 32FC3
    private readonly Mat _weightX;       // column weights repeated down the tile, 32FC3
    private readonly Mat _weightY;       // row weights repeated across the tile, 32FC3

    /// <param name="style">The style to run.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="processingShortSide">Processing size: the short side in pixels.</param>
    /// <param name="maxTile">The longest tile side in processing pixels (fixed-size models use their own size).</param>
    /// <param name="stats">Per-frame stage clocks, or null.</param>
    /// <param name="shareStatistics">
    /// Give all tiles the frame's pooled instance-norm statistics (<see cref="SharedInstanceNorm"/>);
    /// false runs each tile with its own (half the model time, but tiles differ in tone).
    /// </param>
    /// <param name="binding">How the tile's tensors are bound; null: what the provider needs (<see cref="StylizerTensors"/>).</param>
    public TiledStylizer(
        StyleSession style, int width, int height, int processingShortSide, int maxTile, PipelineStats? stats = null, bool shareStatistics = true,
        TensorBindingMode? binding = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTile, MinTile);
        _style = style;
        _stats = stats;
        var convention = style.Convention;
        var (contentWidth, contentHeight) = FrameGeometry.ScaleToShortSide(width, height, processingShortSide);
        var tileLong = convention.HasFixedSize ? Math.Max(convention.FixedWidth!.Value, convention.FixedHeight!.Value) : maxTile;
        var overlap = OverlapFor(tileLong);
        _columns = TileAxis.Plan(contentWidth, maxTile, overlap, convention.SizeMultiple, convention.FixedWidth);
        _rows = TileAxis.Plan(contentHeight, maxTile, overlap, convention.SizeMultiple, convention.FixedHeight);
        var (tileWidth, tileHeight) = (_columns.TileLength, _rows.TileLength);
        var (canvasWidth, canvasHeight) = (_columns.CanvasLength, _rows.CanvasLength);
        _needsResize = contentWidth != width || contentHeight != height;
        _needsPadding = canvasWidth != contentWidth || canvasHeight != contentHeight;

        // Width and height are the tile size and the short side is the tile's: no resize, no padding inside.
        _tileStylizer = new OnnxStylizer(style, tileWidth, tileHeight, Math.Min(tileWidth, tileHeight), binding: binding);
        _sharedNorm = shareStatistics ? SharedInstanceNorm.TryCreate(style, _tileStylizer) : null;

        _content = _needsPadding ? new Mat(contentHeight, contentWidth, MatType.CV_8UC3) : new Mat();
        _canvas = new Mat(canvasHeight, canvasWidth, MatType.CV_8UC3);
        _canvasContent = new Mat(_canvas, new Rect(0, 0, contentWidth, contentHeight));
        _accumulator = new Mat(canvasHeight, canvasWidth, MatType.CV_32FC3);
        var rects = (from y in _rows.Starts from x in _columns.Starts select new Rect(x, y, tileWidth, tileHeight)).ToArray();
        _canvasTiles = [.. rects.Select(r => new Mat(_canvas, r))];
        _accumulatorTiles = [.. rects.Select(r => new Mat(_accumulator, r))];
        _columnWeights = [.. _columns.FeatherWeights().Select(w => WeightMat(w, 1, tileWidth))];
        _rowWeights = [.. _rows.FeatherWeights().Select(w => WeightMat(w, tileHeight, 1))];
        _tile8 = new Mat(tileHeight, tileWidth, MatType.CV_8UC3);
        _tileFloat = new Mat(tileHeight, tileWidth, MatType.CV_32FC3);
        _weightX = new Mat(tileHeight, tileWidth, MatType.CV_32FC3);
        _weightY = new Mat(tileHeight, tileWidth, MatType.CV_32FC3);
    }

    /// <summary>The smallest --max-tile: below it the overlap would be most of every tile.</summary>
    public const int MinTile = 64;

    public StyleSession Style => _style;

    public int TileWidth => _columns.TileLength;

    public int TileHeight => _rows.TileLength;

    public int Columns => _columns.Count;

    public int Rows => _rows.Count;

    /// <summary>Instance-norm statistics shared by all tiles, or null when the style has none.</summary>
    public SharedInstanceNorm? SharedNorm => _sharedNorm;

    /// <summary>Where tiles start in processing space (x), for tests and diagnostics.</summary>
    public IReadOnlyList<int> ColumnStarts => _columns.Starts;

    /// <summary>Where tiles start in processing space (y).</summary>
    public IReadOnlyList<int> RowStarts => _rows.Starts;

    /// <summary>
    /// True when a frame at this processing size is too large to run whole: its long side exceeds
    /// <paramref name="maxTile"/> (for a fixed-size model: and it does not fit the model's input).
    /// </summary>
    public static bool IsNeeded(ModelConvention convention, int width, int height, int processingShortSide, int maxTile)
    {
        var (contentWidth, contentHeight) = FrameGeometry.ScaleToShortSide(width, height, processingShortSide);
        if (convention.HasFixedSize)
        {
            // A fixed-size model that could not be made free: tile at its size rather than shrink the
            // picture into it (letterboxing is kept for pictures that already fit).
            return contentWidth > convention.FixedWidth || contentHeight > convention.FixedHeight;
        }

        return Math.Max(contentWidth, contentHeight) > maxTile;
    }

    /// <summary>
    /// How much neighbouring tiles overlap: an eighth of the tile, at least 64 px, never more than a
    /// quarter of it. The quarter of the overlap next to a cut edge gets no weight: a network's output
    /// is disturbed for a few dozen pixels from the border it was given (Johnson-style nets: reflection
    /// padding, two stride-2 downsamplings, 3x3 residual blocks at quarter resolution).
    /// </summary>
    public static int OverlapFor(int tileLong) => Math.Min(Math.Max(64, tileLong / 8), tileLong / 4);

    public void Process(Mat source, Mat destination)
    {
        var start = Stopwatch.GetTimestamp();
        PrepareCanvas(source);
        _accumulator.SetTo(Scalar.All(0));
        var preprocess = Stopwatch.GetTimestamp() - start;
        var model = 0L;
        if (_sharedNorm is { } norm)
        {
            start = Stopwatch.GetTimestamp();
            PoolStatistics(norm);
            model += Stopwatch.GetTimestamp() - start;
        }

        var postprocess = 0L;

        for (var row = 0; row < _rows.Count; row++)
        {
            for (var column = 0; column < _columns.Count; column++)
            {
                var tile = (row * _columns.Count) + column;
                start = Stopwatch.GetTimestamp();
                _tileStylizer.Preprocess(_canvasTiles[tile]);
                var ran = Stopwatch.GetTimestamp();
                preprocess += ran - start;

                if (_sharedNorm is not null)
                {
                    _sharedNorm.RunShared();
                }
                else
                {
                    _tileStylizer.RunModel();
                }

                var blended = Stopwatch.GetTimestamp();
                model += blended - ran;

                _tileStylizer.Postprocess(_tile8);
                _tile8.ConvertTo(_tileFloat, MatType.CV_32FC3);
                Cv2.Repeat(_columnWeights[column], TileHeight, 1, _weightX);
                Cv2.Repeat(_rowWeights[row], 1, TileWidth, _weightY);
                Cv2.Multiply(_tileFloat, _weightX, _tileFloat);
                Cv2.Multiply(_tileFloat, _weightY, _tileFloat);
                Cv2.Add(_accumulatorTiles[tile], _tileFloat, _accumulatorTiles[tile]);
                postprocess += Stopwatch.GetTimestamp() - blended;
            }
        }

        start = Stopwatch.GetTimestamp();
        // The input canvas is done with: it takes the blended result (convertTo rounds and saturates).
        _accumulator.ConvertTo(_canvas, MatType.CV_8UC3);
        if (_needsResize)
        {
            Cv2.Resize(_canvasContent, destination, new Size(destination.Width, destination.Height), 0, 0, InterpolationFlags.Linear);
        }
        else
        {
            _canvasContent.CopyTo(destination);
        }

        postprocess += Stopwatch.GetTimestamp() - start;
        _stats?.Preprocess.AddTicks(preprocess);
        _stats?.Model.AddTicks(model);
        _stats?.Postprocess.AddTicks(postprocess);
    }

    /// <summary>The measuring pass: every tile's instance-norm statistics, pooled for the render pass.</summary>
    private void PoolStatistics(SharedInstanceNorm norm)
    {
        norm.BeginPool();
        foreach (var tile in _canvasTiles)
        {
            _tileStylizer.Preprocess(tile);
            norm.MeasureOwn();
        }

        norm.EndPool();
    }

    /// <summary>Scales the frame to the processing size into the canvas and reflect-pads it to a tile.</summary>
    private void PrepareCanvas(Mat source)
    {
        var content = _needsPadding ? _content : _canvas;
        if (_needsResize)
        {
            var shrinking = content.Width < source.Width;
            Cv2.Resize(source, content, new Size(content.Width, content.Height), 0, 0,
                shrinking ? InterpolationFlags.Area : InterpolationFlags.Linear);
        }
        else
        {
            source.CopyTo(content);
        }

        if (_needsPadding)
        {
            var padRight = _canvas.Width - content.Width;
            var padBottom = _canvas.Height - content.Height;
            // As in OnnxStylizer: reflection needs the pad to be smaller than the picture, else replicate.
            var border = padRight < content.Width && padBottom < content.Height ? BorderTypes.Reflect101 : BorderTypes.Replicate;
            Cv2.CopyMakeBorder(content, _canvas, 0, padBottom, 0, padRight, border);
        }
    }

    /// <summary>A rows x cols 32FC3 Mat holding <paramref name="weights"/> in all three channels.</summary>
    private static Mat WeightMat(float[] weights, int rows, int cols)
    {
        using var single = Mat.FromPixelData(rows, cols, MatType.CV_32FC1, weights);
        var triple = new Mat(rows, cols, MatType.CV_32FC3);
        Cv2.Merge([single, single, single], triple);
        return triple;
    }

    public void Dispose()
    {
        _sharedNorm?.Dispose();
        _tileStylizer.Dispose();
        foreach (var mat in _canvasTiles.Concat(_accumulatorTiles).Concat(_columnWeights).Concat(_rowWeights))
        {
            mat.Dispose();
        }

        _content.Dispose();
        _canvasContent.Dispose();
        _canvas.Dispose();
        _accumulator.Dispose();
        _tile8.Dispose();
        _tileFloat.Dispose();
        _weightX.Dispose();
        _weightY.Dispose();
    }
}
