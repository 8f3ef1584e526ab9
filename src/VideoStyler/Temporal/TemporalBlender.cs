using System.Runtime.CompilerServices;
using OpenCvSharp;
using VideoStyler.Flow;
using VideoStyler.Frames;

namespace VideoStyler.Temporal;

/// <summary>
/// Removes frame-to-frame flicker from per-frame stylized video. The previous output is warped onto the
/// current frame with optical flow measured on the input (<see cref="FlowPair"/>: <see cref="FarnebackFlowEstimator"/>
/// at reduced size); per channel the output is that warped history moved towards the current stylized frame by a
/// limited step. With one frame of lookahead the next stylized frame, warped back onto the current one,
/// tells a lasting change from a passing one: the part of the change that the next frame confirms may move
/// by the large <see cref="TemporalOptions.ConfirmedTolerance"/>, the rest only by the small
/// <see cref="TemporalOptions.Tolerance"/>. Both widen as the flow's confidence falls
/// (<see cref="FlowConfidence"/>) until the stylized frame passes unchanged.
/// </summary>
/// <remarks>
/// <para>
/// Why limit the step and not blend: flicker (E_warp) is a squared change, dominated by the large jumps of
/// brushstrokes that appear, vanish or move between frames, while lost style is an absolute difference from
/// the per-frame result. Passing small changes untouched costs no style and little flicker; holding back
/// only the excess of large ones removes most of the squared change. It also keeps the history from
/// blurring: a blend mixes every frame into a softer average, whereas here any drift smaller than the limit
/// is replaced by the per-frame value on the next frame. The history is re-sampled once per frame,
/// bicubically (bilinear costs about 0.08 of the sharpness ratio).
/// </para>
/// <para>
/// Why the lookahead: measured on the shared webcam clips, the stylization of the static background
/// changes by 20-26 levels per frame on average (the style networks restyle the whole picture as the person
/// moves), and much of that change lasts a few frames rather than flickering straight back (though it does
/// not add up: frames 40 apart differ by 39 levels, neighbours by 27). A single limit must either hold the
/// lasting changes back for several frames (lost style) or let the passing ones through (flicker). Letting
/// a change through fast only when the next frame agrees with its direction, and slowly otherwise, keeps
/// about 0.02-0.03 more retention at the same or a lower flicker ratio. The price is one frame of latency.
/// </para>
/// <para>
/// What limits it, measured with <see cref="FlickerFrontier"/> (<c>eval frontier</c>): on the pixels that stay
/// still through the clip, the best output that knows every frame in advance keeps 0.865 (help.mkv, candy) to
/// 0.903 (walk.mkv, mosaic) retention at a 0.15 flicker ratio. This stage comes within 0.02-0.03 of that optimum
/// at its own flicker ratio on lossless frames. The optimum leaves out the h264 output: the same frames
/// through h264 lose another 0.055-0.06 retention on those pixels. It also leaves out sharpness, and the moving
/// person, where flow errors add most of the remaining flicker. Issue 3's targets (0.15 / 0.85 / 0.85 at once)
/// are therefore out of reach for these models through h264, for any method of this kind.
/// </para>
/// </remarks>
internal sealed class TemporalBlender : IDisposable
{
    private const float MinConfidence = 1e-3f;

    private readonly int _width;
    private readonly int _height;
    private readonly float _tolerance;
    private readonly float _confirmedTolerance;
    private readonly bool _enabled;
    private readonly MatBuffers _buffers = new();
    private readonly MatCalls _cv = new();
    private readonly FlowPair _pair;
    private readonly FlowWarper _warper;
    private readonly Mat _confidenceMap;
    private readonly Mat _nextConfidenceMap;
    private readonly float[] _scaleRow;
    private readonly float[] _trustRow;
    private readonly Mat _history;
    private readonly Mat _warpedHistory;
    private readonly Mat _warpedNext;
    private bool _hasHistory;

    public TemporalBlender(int width, int height, TemporalOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 16);
        ArgumentNullException.ThrowIfNull(options);
        Require(options.Strength is >= 0 and <= 1, options.Strength, "temporal strength must be within 0..1");
        Require(options.Tolerance > 0, options.Tolerance, "temporal tolerance must be positive");
        Require(options.ConfirmedTolerance >= options.Tolerance, options.ConfirmedTolerance, "the confirmed tolerance must be at least the tolerance");
        Require(options.FlowScale is > 0 and <= 1, options.FlowScale, "flow scale must be within (0, 1]");
        Require(options.WarpErrorSigma > 0, options.WarpErrorSigma, "warp error sigma must be positive");
        Require(options.SceneCutDrop is >= 0 and < 1, options.SceneCutDrop, "scene-cut drop must be within [0, 1)");

        _width = width;
        _height = height;
        _enabled = options.Strength > 0;
        _tolerance = _enabled ? (float)(options.Tolerance / options.Strength) : float.MaxValue;
        _confirmedTolerance = _enabled ? (float)(options.ConfirmedTolerance / options.Strength) : float.MaxValue;
        var flowSize = LumaScaler.ScaledSize(width, height, options.FlowScale);
        _pair = _buffers.Own(new FlowPair(_cv, flowSize.Width, flowSize.Height, options));
        _warper = _buffers.Own(new FlowWarper(_cv, width, height));
        _confidenceMap = _buffers.New(height, width, MatType.CV_32FC1);
        _nextConfidenceMap = _buffers.New(height, width, MatType.CV_32FC1);
        _scaleRow = new float[3 * width];
        _trustRow = new float[3 * width];
        _history = _buffers.New(height, width, MatType.CV_8UC3);
        _warpedHistory = _buffers.New(height, width, MatType.CV_8UC3);
        _warpedNext = _buffers.New(height, width, MatType.CV_8UC3);
    }

    /// <summary>True when the last <see cref="Process(Mat, Mat, Mat?, Mat?, Mat)"/> call found a scene cut and started afresh.</summary>
    public bool LastFrameWasSceneCut { get; private set; }

    /// <summary>
    /// Writes the temporally consistent version of <paramref name="stylized"/> (the per-frame result for
    /// <paramref name="input"/>) into <paramref name="output"/>, which may be the same buffer as
    /// <paramref name="stylized"/>, without lookahead. All are width x height CV_8UC3; none is kept.
    /// </summary>
    public void Process(Mat input, Mat stylized, Mat output) => Process(input, stylized, null, null, output);

    /// <summary>
    /// Writes the temporally consistent version of <paramref name="stylized"/> (the per-frame result for
    /// <paramref name="input"/>) into <paramref name="output"/>, which may be the same buffer as
    /// <paramref name="stylized"/>. <paramref name="nextInput"/> and <paramref name="nextStylized"/> are the
    /// following frame and its per-frame result when known (they are only read, and must be what the next
    /// call passes as its current frame); null for the last frame or where no lookahead is wanted. All are
    /// width x height CV_8UC3; none is kept after the call.
    /// </summary>
    public void Process(Mat input, Mat stylized, Mat? nextInput, Mat? nextStylized, Mat output)
    {
        Validate(input, nameof(input));
        Validate(stylized, nameof(stylized));
        Validate(output, nameof(output));
        if ((nextInput is null) != (nextStylized is null))
        {
            throw new ArgumentException("Give both the next input and its stylized frame, or neither.", nameof(nextStylized));
        }

        if (nextInput is not null)
        {
            Validate(nextInput, nameof(nextInput));
            Validate(nextStylized!, nameof(nextStylized));
        }

        LastFrameWasSceneCut = false;
        if (!_enabled)
        {
            _cv.Copy(stylized, output);
            return;
        }

        _pair.Begin(input);
        var tracked = _hasHistory && _pair.TrackBack();
        LastFrameWasSceneCut = _hasHistory && _pair.IsCut;
        if (!tracked)
        {
            StartAfresh(stylized, output, nextInput);
            return;
        }

        _warper.Warp(_history, _pair.Backward, _warpedHistory, InterpolationFlags.Cubic);
        _cv.Resize(_pair.BackwardConfidence, _confidenceMap, InterpolationFlags.Linear);
        var lookahead = nextInput is not null && LookAhead(nextInput, nextStylized!);
        LimitChange(stylized, lookahead, output);
        Remember(output);
    }

    /// <summary>Forgets the history: the next frame passes through as stylized (use at a known cut or seek).</summary>
    public void Reset()
    {
        _hasHistory = false;
        _pair.Reset();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _cv.Dispose();
        _buffers.Dispose();
    }

    private static void Require(bool condition, double value, string message, [CallerArgumentExpression(nameof(value))] string? setting = null)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(setting, value, message);
        }
    }

    /// <summary>
    /// The pair (current, next): the next stylized frame warped onto this one and its confidence, for the
    /// change rule; false at a scene cut (no lookahead for this frame).
    /// </summary>
    private bool LookAhead(Mat nextInput, Mat nextStylized)
    {
        if (!_pair.LookAhead(nextInput))
        {
            return false;
        }

        // Bilinear for the lookahead, which only decides how far the history may move: bicubic keeps about 0.015
        // more of the sharpness ratio but makes the stage about 15% slower, beyond the cost budget.
        _warper.Warp(nextStylized, _pair.Forward, _warpedNext, InterpolationFlags.Linear);
        _cv.Resize(_pair.ForwardConfidence, _nextConfidenceMap, InterpolationFlags.Linear);
        return true;
    }

    private void StartAfresh(Mat stylized, Mat output, Mat? nextInput)
    {
        _cv.Copy(stylized, output);
        _pair.StartAfresh(nextInput);
        _hasHistory = true;
        Remember(output);
    }

    private void Remember(Mat output)
    {
        _cv.Copy(output, _history);
        _pair.Advance();
    }

    /// <summary>
    /// The change rule (<see cref="ChangeLimiter"/>) with limits tolerance / confidence and confirmed tolerance
    /// / confidence; the lookahead frame counts as far as its own flow is trusted (untrusted, or without
    /// lookahead: it confirms the current change).
    /// </summary>
    private void LimitChange(Mat stylized, bool withLookahead, Mat output)
    {
        // Row by row, the per-pixel factors spread to the three channels while the row is in cache
        // (a full-size max, reciprocal and two three-way merges cost more than the rule itself).
        var scale = _scaleRow.AsSpan();
        var trust = _trustRow.AsSpan();
        if (!withLookahead)
        {
            trust.Clear();
        }

        var next = withLookahead ? _warpedNext : stylized;
        for (var y = 0; y < _height; y++)
        {
            SpreadReciprocal(_confidenceMap.RowSpan<float>(y), scale);
            if (withLookahead)
            {
                Spread(_nextConfidenceMap.RowSpan<float>(y), trust);
            }

            ChangeLimiter.Row(
                stylized.RowSpan<byte>(y), next.RowSpan<byte>(y), _warpedHistory.RowSpan<byte>(y), trust, scale,
                _tolerance, _confirmedTolerance, output.RowSpan<byte>(y));
        }
    }

    /// <summary>1 / max(confidence, <see cref="MinConfidence"/>) of each pixel, three times (one per channel).</summary>
    private static void SpreadReciprocal(ReadOnlySpan<float> confidence, Span<float> threeTimes)
    {
        for (var x = 0; x < confidence.Length; x++)
        {
            var value = 1f / MathF.Max(confidence[x], MinConfidence);
            var at = 3 * x;
            threeTimes[at] = value;
            threeTimes[at + 1] = value;
            threeTimes[at + 2] = value;
        }
    }

    /// <summary>Each pixel's value three times (one per channel).</summary>
    private static void Spread(ReadOnlySpan<float> values, Span<float> threeTimes)
    {
        for (var x = 0; x < values.Length; x++)
        {
            var at = 3 * x;
            threeTimes[at] = values[x];
            threeTimes[at + 1] = values[x];
            threeTimes[at + 2] = values[x];
        }
    }

    private void Validate(Mat mat, string name)
    {
        ArgumentNullException.ThrowIfNull(mat, name);
        if (mat.Type() != MatType.CV_8UC3 || mat.Cols != _width || mat.Rows != _height)
        {
            throw new ArgumentException($"Expected a {_width}x{_height} CV_8UC3 image, got {mat.Cols}x{mat.Rows} {mat.Type()}.", name);
        }
    }
}
