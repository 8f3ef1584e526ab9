using Microsoft.ML.OnnxRuntime;
using VideoStyler.Models.Onnx;

namespace VideoStyler.Stylize;

/// <summary>
/// Gives every tile of a frame the same instance-norm statistics (see <see cref="InstanceNormSplitter"/>
/// for why tiles need this): a measuring pass runs every tile through the statistics model and pools
/// the channel means and variances each instance norm saw over all tiles; the render pass then runs
/// every tile through the normalized model with those pooled statistics. The pool is an estimate of
/// the whole frame's statistics (each tile measured its deeper layers under its own normalisation,
/// and the pool counts overlaps twice), but one shared by all tiles: no tile renders in its own tone.
/// Tensors are allocated once; the sessions see one tile at a time. Bound as the tile's tensors are
/// (<see cref="StylizerTensors"/>): once on the CPU; on a device provider the tile's input and the
/// pooled statistics (host memory, rewritten every frame) are bound again before every run.
/// </summary>
internal sealed class SharedInstanceNorm : IDisposable
{
    private readonly StyleSession _style;
    private readonly OnnxStylizer _tile;
    private readonly InferenceSession _statisticsSession;
    private readonly InferenceSession _normalizedSession;
    private readonly IReadOnlyList<InstanceNormLayer> _layers;
    private readonly RunOptions _runOptions = new();
    private readonly float[][] _means;        // what the last measuring run saw, per layer
    private readonly float[][] _variances;
    private readonly float[][] _sharedMeans;  // the pooled statistics the normalized model runs with
    private readonly float[][] _sharedVariances;
    private readonly double[][] _meanSums;    // the pool: sums over tiles of mean and of (variance + mean^2)
    private readonly double[][] _squareSums;
    private readonly OrtValue[] _values;
    private readonly OrtValue[] _sharedMeanValues;
    private readonly OrtValue[] _sharedVarianceValues;
    private readonly OrtIoBinding _statisticsBinding; // the tile's input -> _means, _variances
    private readonly OrtIoBinding _normalizedBinding; // the tile's input, _sharedMeans, _sharedVariances -> the tile's output
    private double _pooledTiles;

    private SharedInstanceNorm(StyleSession style, InstanceNormSplit split, InferenceSession statistics, InferenceSession normalized, OnnxStylizer tile)
    {
        _style = style;
        _tile = tile;
        _statisticsSession = statistics;
        _normalizedSession = normalized;
        _layers = split.Layers;
        _means = [.. _layers.Select(l => GC.AllocateArray<float>(l.Channels, pinned: true))];
        _variances = [.. _layers.Select(l => GC.AllocateArray<float>(l.Channels, pinned: true))];
        _sharedMeans = [.. _layers.Select(l => GC.AllocateArray<float>(l.Channels, pinned: true))];
        _sharedVariances = [.. _layers.Select(l => GC.AllocateArray<float>(l.Channels, pinned: true))];
        _meanSums = [.. _layers.Select(l => new double[l.Channels])];
        _squareSums = [.. _layers.Select(l => new double[l.Channels])];

        OrtValue Wrap(float[] values, long[] shape) =>
            OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, values.AsMemory(), shape);

        var means = _means.Select(v => Wrap(v, [1, v.Length, 1, 1])).ToArray();
        var variances = _variances.Select(v => Wrap(v, [1, v.Length, 1, 1])).ToArray();
        var sharedMeans = _sharedMeans.Select(v => Wrap(v, [v.Length])).ToArray();
        var sharedVariances = _sharedVariances.Select(v => Wrap(v, [v.Length])).ToArray();
        _values = [.. means, .. variances, .. sharedMeans, .. sharedVariances];
        _sharedMeanValues = sharedMeans;
        _sharedVarianceValues = sharedVariances;

        // Outputs are bound once (ONNX Runtime writes, or copies, the results into them on every run);
        // inputs once on the CPU, before every run on a device provider (BindInputsForRun).
        var convention = style.Convention;
        var tensors = tile.Tensors;
        _statisticsBinding = statistics.CreateIoBinding();
        _normalizedBinding = normalized.CreateIoBinding();
        _normalizedBinding.BindOutput(convention.OutputName, tensors.OutputValue);
        if (tensors.Mode == TensorBindingMode.ZeroCopy)
        {
            _statisticsBinding.BindInput(convention.InputName, tensors.InputValue);
            _normalizedBinding.BindInput(convention.InputName, tensors.InputValue);
        }

        for (var i = 0; i < _layers.Count; i++)
        {
            _statisticsBinding.BindOutput(_layers[i].MeanOutput, means[i]);
            _statisticsBinding.BindOutput(_layers[i].VarianceOutput, variances[i]);
        }

        BindSharedStatistics();
    }

    /// <summary>
    /// Shared statistics for <paramref name="style"/>, running on <paramref name="tile"/>'s tensors; null
    /// when the style has no instance norms to share (its tiles need nothing more than overlap) or its
    /// split models do not load.
    /// </summary>
    public static SharedInstanceNorm? TryCreate(StyleSession style, OnnxStylizer tile)
    {
        if (style.Convention.Layout != TensorLayout.Nchw || style.ParseModel() is not { } model || InstanceNormSplitter.TrySplit(model) is not { } split)
        {
            return null;
        }

        InferenceSession? statistics = null;
        InferenceSession? normalized = null;
        try
        {
            statistics = style.CreateSession(split.StatisticsModel);
            normalized = style.CreateSession(split.NormalizedModel);
            return new SharedInstanceNorm(style, split, statistics, normalized, tile);
        }
        catch (OnnxRuntimeException)
        {
            normalized?.Dispose();
            statistics?.Dispose();
            return null;
        }
    }

    /// <summary>Empties the pool.</summary>
    public void BeginPool()
    {
        _pooledTiles = 0;
        foreach (var sums in _meanSums.Concat(_squareSums))
        {
            Array.Clear(sums);
        }
    }

    /// <summary>Measures the statistics of the tile the tile stylizer has prepared (original network), into the pool.</summary>
    public void MeasureOwn()
    {
        _tile.Tensors.BindForRun(_statisticsBinding, _style.Convention.InputName);
        Run(_statisticsSession, _statisticsBinding);
        AddToPool();
    }

    /// <summary>Stylizes the tile the tile stylizer has prepared with the pooled statistics, into its output tensor.</summary>
    public void RunShared()
    {
        if (_tile.Tensors.Mode == TensorBindingMode.Rebind)
        {
            _tile.Tensors.BindForRun(_normalizedBinding, _style.Convention.InputName);
            BindSharedStatistics(); // rewritten by EndPool every frame: a device copy is made when bound
        }

        Run(_normalizedSession, _normalizedBinding);
    }

    private void BindSharedStatistics()
    {
        for (var i = 0; i < _layers.Count; i++)
        {
            _normalizedBinding.BindInput(_layers[i].MeanInput, _sharedMeanValues[i]);
            _normalizedBinding.BindInput(_layers[i].VarianceInput, _sharedVarianceValues[i]);
        }
    }

    /// <summary>Turns the pool into the statistics the next <see cref="RunShared"/> calls use.</summary>
    public void EndPool()
    {
        if (_pooledTiles == 0)
        {
            return;
        }

        for (var i = 0; i < _layers.Count; i++)
        {
            for (var c = 0; c < _layers[i].Channels; c++)
            {
                // Pooled over tiles: the mean of the means, and E[x^2] - mean^2 for the variance.
                var mean = _meanSums[i][c] / _pooledTiles;
                _sharedMeans[i][c] = (float)mean;
                _sharedVariances[i][c] = (float)Math.Max(0, (_squareSums[i][c] / _pooledTiles) - (mean * mean));
            }
        }
    }

    /// <summary>Adds the statistics the last run measured on one tile (all tiles have the same size and count alike).</summary>
    private void AddToPool()
    {
        for (var i = 0; i < _layers.Count; i++)
        {
            for (var c = 0; c < _layers[i].Channels; c++)
            {
                double mean = _means[i][c];
                _meanSums[i][c] += mean;
                _squareSums[i][c] += _variances[i][c] + (mean * mean);
            }
        }

        _pooledTiles++;
    }

    private void Run(InferenceSession session, OrtIoBinding binding)
    {
        try
        {
            session.RunWithBinding(_runOptions, binding);
            _tile.Tensors.AfterRun(binding);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new UserFacingException(
                $"style '{_style.Name}' failed on a {_tile.Geometry.TensorWidth}x{_tile.Geometry.TensorHeight} tile: {ex.Message.Split('\n')[0]}");
        }
    }

    public void Dispose()
    {
        _statisticsBinding.Dispose();
        _normalizedBinding.Dispose();
        foreach (var value in _values)
        {
            value.Dispose();
        }

        _runOptions.Dispose();
        _normalizedSession.Dispose();
        _statisticsSession.Dispose();
    }
}
