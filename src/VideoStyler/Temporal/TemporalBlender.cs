using System.Runtime.CompilerServices;
using OpenCvSharp;

namespace VideoStyler.Temporal;

/// <summary>
/// Removes frame-to-frame flicker from per-frame stylized video. The previous output is warped onto the
/// current frame with optical flow measured on the input (<see cref="FarnebackFlowEstimator"/> at reduced
/// size, both directions); per channel the output is that warped history moved towards the current
/// stylized frame by at most a tolerance, which widens as the flow's confidence falls
/// (<see cref="FlowConfidence"/>) until the stylized frame passes unchanged.
/// </summary>
/// <remarks>
/// Why a limit and not a blend: flicker (E_warp) is a squared change, dominated by the large jumps of
/// brushstrokes that appear, vanish or move between frames, while lost style is an absolute difference from
/// the per-frame result. Passing small changes untouched costs no style and little flicker; holding back
/// only the excess of large ones removes most of the squared change. It also keeps the history from
/// blurring: a blend mixes every frame into a softer average, and a history re-sampled every frame drifts
/// ever further from the sharp per-frame result, whereas here any drift smaller than the limit is replaced
/// by the per-frame value on the next frame. The history is re-sampled bicubically (bilinear costs about
/// 0.08 of the sharpness ratio). What remains: where strokes jump about on every frame the held output
/// settles on a softer mix of their positions; the tolerance trades that against flicker.
/// </remarks>
public sealed class TemporalBlender : IDisposable
{
    private const float MinConfidence = 1e-3f;

    private readonly int _width;
    private readonly int _height;
    private readonly float _tolerance;
    private readonly bool _enabled;
    private readonly FarnebackFlowEstimator _flow = new();
    private readonly FlowConfidence _confidence;
    private readonly SceneCutDetector _sceneCut;
    private readonly Mat _noMap = new();
    private readonly Mat _grid;
    private readonly Mat _smallBgr;
    private readonly Mat _backward;
    private readonly Mat _forward;
    private readonly Mat _smallConfidence;
    private readonly Mat _upsampledFlow;
    private readonly Mat _map;
    private readonly Mat _confidenceMap;
    private readonly Mat _history;
    private readonly Mat _warpedHistory;
    private Mat _currentLuma;
    private Mat _previousLuma;
    private bool _hasHistory;
    private bool _backwardIsFromLastPair;

    public TemporalBlender(int width, int height, TemporalOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 16);
        ArgumentNullException.ThrowIfNull(options);
        Require(options.Strength is >= 0 and <= 1, options.Strength, "temporal strength must be within 0..1");
        Require(options.Tolerance > 0, options.Tolerance, "temporal tolerance must be positive");
        Require(options.FlowScale is > 0 and <= 1, options.FlowScale, "flow scale must be within (0, 1]");
        Require(options.WarpErrorSigma > 0, options.WarpErrorSigma, "warp error sigma must be positive");
        Require(options.SceneCutDrop is >= 0 and < 1, options.SceneCutDrop, "scene-cut drop must be within [0, 1)");

        _width = width;
        _height = height;
        _enabled = options.Strength > 0;
        _tolerance = _enabled ? (float)(options.Tolerance / options.Strength) : float.MaxValue;
        var flowWidth = Math.Max(16, (int)Math.Round(width * options.FlowScale));
        var flowHeight = Math.Max(16, (int)Math.Round(height * options.FlowScale));
        _confidence = new FlowConfidence(flowWidth, flowHeight, options.WarpErrorSigma);
        _sceneCut = new SceneCutDetector(options.SceneCutDrop);
        _grid = FlowMaps.CreateGrid(width, height);
        _smallBgr = new Mat(flowHeight, flowWidth, MatType.CV_8UC3);
        _currentLuma = new Mat(flowHeight, flowWidth, MatType.CV_8UC1);
        _previousLuma = new Mat(flowHeight, flowWidth, MatType.CV_8UC1);
        _backward = new Mat(flowHeight, flowWidth, MatType.CV_32FC2);
        _forward = new Mat(flowHeight, flowWidth, MatType.CV_32FC2);
        _smallConfidence = new Mat(flowHeight, flowWidth, MatType.CV_32FC1);
        _upsampledFlow = new Mat(height, width, MatType.CV_32FC2);
        _map = new Mat(height, width, MatType.CV_32FC2);
        _confidenceMap = new Mat(height, width, MatType.CV_32FC1);
        _history = new Mat(height, width, MatType.CV_8UC3);
        _warpedHistory = new Mat(height, width, MatType.CV_8UC3);
    }

    /// <summary>True when the last <see cref="Process"/> call found a scene cut and started afresh.</summary>
    public bool LastFrameWasSceneCut { get; private set; }

    /// <summary>
    /// Writes the temporally consistent version of <paramref name="stylized"/> (the per-frame result for
    /// <paramref name="input"/>) into <paramref name="output"/>, which may be the same buffer as
    /// <paramref name="stylized"/>. All three are width x height CV_8UC3; none is kept after the call.
    /// </summary>
    public void Process(Mat input, Mat stylized, Mat output)
    {
        Validate(input, nameof(input));
        Validate(stylized, nameof(stylized));
        Validate(output, nameof(output));

        LastFrameWasSceneCut = false;
        if (!_enabled)
        {
            stylized.CopyTo(output);
            return;
        }

        Cv2.Resize(input, _smallBgr, _smallBgr.Size(), 0, 0, InterpolationFlags.Area);
        Cv2.CvtColor(_smallBgr, _currentLuma, ColorConversionCodes.BGR2GRAY);
        if (!_hasHistory)
        {
            StartAfresh(stylized, output);
            return;
        }

        EstimateFlows();
        var meanConfidence = _confidence.Compute(_currentLuma, _previousLuma, _backward, _forward, _smallConfidence);
        if (_sceneCut.IsCut(meanConfidence))
        {
            LastFrameWasSceneCut = true;
            StartAfresh(stylized, output);
            return;
        }

        FlowMaps.UpsampleToSamplingMap(_backward, _grid, _upsampledFlow, _map);
        Cv2.Remap(_history, _warpedHistory, _map, _noMap, InterpolationFlags.Cubic, BorderTypes.Replicate);
        Cv2.Resize(_smallConfidence, _confidenceMap, _confidenceMap.Size(), 0, 0, InterpolationFlags.Linear);
        LimitChange(stylized, output);
        Remember(output);
    }

    /// <summary>Forgets the history: the next frame passes through as stylized (use at a known cut or seek).</summary>
    public void Reset()
    {
        _hasHistory = false;
        _sceneCut.Reset();
    }

    public void Dispose()
    {
        _confidence.Dispose();
        _noMap.Dispose();
        _grid.Dispose();
        _smallBgr.Dispose();
        _currentLuma.Dispose();
        _previousLuma.Dispose();
        _backward.Dispose();
        _forward.Dispose();
        _smallConfidence.Dispose();
        _upsampledFlow.Dispose();
        _map.Dispose();
        _confidenceMap.Dispose();
        _history.Dispose();
        _warpedHistory.Dispose();
    }

    private static void Require(bool condition, double value, string message, [CallerArgumentExpression(nameof(value))] string? setting = null)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(setting, value, message);
        }
    }

    /// <summary>warped + clamp(current - warped, -limit, limit), rounded, without branches.</summary>
    private static byte MoveTowards(byte current, byte warped, float limit)
    {
        float from = warped;
        return (byte)(from + MathF.Min(MathF.Max(current - from, -limit), limit) + 0.5f);
    }

    private void StartAfresh(Mat stylized, Mat output)
    {
        stylized.CopyTo(output);
        _hasHistory = true;
        _backwardIsFromLastPair = false;
        Remember(output);
    }

    /// <summary>
    /// Backward flow (current -> previous) tracked on from the last pair's, or solved afresh after a start or
    /// cut; forward flow (previous -> current) refined from minus the backward flow, for the consistency test.
    /// </summary>
    private void EstimateFlows()
    {
        if (_backwardIsFromLastPair)
        {
            _flow.Track(_currentLuma, _previousLuma, _backward);
        }
        else
        {
            _flow.Compute(_currentLuma, _previousLuma, _backward);
            _backwardIsFromLastPair = true;
        }

        Cv2.Multiply(_backward, new Scalar(-1, -1), _forward);
        _flow.Refine(_previousLuma, _currentLuma, _forward);
    }

    private void Remember(Mat output)
    {
        output.CopyTo(_history);
        (_currentLuma, _previousLuma) = (_previousLuma, _currentLuma);
    }

    /// <summary>
    /// output = warped + clamp(stylized - warped, +-limit) per channel with limit = tolerance / confidence.
    /// </summary>
    private void LimitChange(Mat stylized, Mat output)
    {
        for (var y = 0; y < _height; y++)
        {
            var current = stylized.RowSpan<byte>(y);
            var warped = _warpedHistory.RowSpan<byte>(y);
            var confidence = _confidenceMap.RowSpan<float>(y);
            var result = output.RowSpan<byte>(y);
            for (var x = 0; x < _width; x++)
            {
                var limit = _tolerance / MathF.Max(confidence[x], MinConfidence);
                var i = 3 * x;
                result[i] = MoveTowards(current[i], warped[i], limit);
                result[i + 1] = MoveTowards(current[i + 1], warped[i + 1], limit);
                result[i + 2] = MoveTowards(current[i + 2], warped[i + 2], limit);
            }
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
