using Microsoft.ML.OnnxRuntime;
using VideoStyler.Models.Onnx;

namespace VideoStyler.Stylize;

/// <summary>
/// The host side of a graph rewritten by <see cref="InstanceNormSmoother"/>: the keep weight and the previous frame's
/// channel means and variances go in, the statistics each layer used come out and become the next frame's previous
/// ones. Pinned arrays, wrapped once as tensors; bind them to every binding that runs the rewritten graph. Frames must
/// come in order (one run at a time).
/// </summary>
internal sealed class NormStatisticsCarry : IDisposable
{
    private readonly float[][] _previous; // per layer: means then variances, [2C]: what the last frame used
    private readonly float[][] _used;     // per layer: what this frame used (the graph's outputs)
    private readonly float[] _keep = GC.AllocateArray<float>(1, pinned: true);
    private readonly float _weight;
    private readonly List<(string Name, OrtValue Value)> _inputs = [];
    private readonly List<(string Name, OrtValue Value)> _outputs = [];

    /// <param name="smoothing">The rewrite whose statistics are carried.</param>
    /// <param name="keep">Weight of the past in the moving average, 0..1.</param>
    public NormStatisticsCarry(InstanceNormSmoothing smoothing, float keep)
    {
        ArgumentNullException.ThrowIfNull(smoothing);
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keep, 1f);
        _weight = keep;
        _previous = [.. smoothing.Layers.Select(l => GC.AllocateArray<float>(2 * l.Channels, pinned: true))];
        _used = [.. smoothing.Layers.Select(l => GC.AllocateArray<float>(2 * l.Channels, pinned: true))];
        _inputs.Add((smoothing.KeepInput, Wrap(_keep, 0, 1, [1])));
        for (var i = 0; i < smoothing.Layers.Count; i++)
        {
            var layer = smoothing.Layers[i];
            long[] shape = [1, layer.Channels, 1, 1];
            _inputs.Add((layer.MeanInput, Wrap(_previous[i], 0, layer.Channels, shape)));
            _inputs.Add((layer.VarianceInput, Wrap(_previous[i], layer.Channels, layer.Channels, shape)));
            _outputs.Add((layer.MeanOutput, Wrap(_used[i], 0, layer.Channels, shape)));
            _outputs.Add((layer.VarianceOutput, Wrap(_used[i], layer.Channels, layer.Channels, shape)));
        }
    }

    /// <summary>Instance norms whose statistics are carried.</summary>
    public int Layers => _used.Length;

    /// <summary>Binds the statistics' outputs and inputs to <paramref name="binding"/> (once; the inputs again before every run on a device provider).</summary>
    public void Bind(OrtIoBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        foreach (var (name, value) in _outputs)
        {
            binding.BindOutput(name, value);
        }

        BindInputs(binding);
    }

    /// <summary>Binds the inputs (the keep weight and the previous statistics) to <paramref name="binding"/>.</summary>
    public void BindInputs(OrtIoBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        foreach (var (name, value) in _inputs)
        {
            binding.BindInput(name, value);
        }
    }

    /// <summary>Before a run: <paramref name="fresh"/> (first frame, scene cut) uses the frame's own statistics, the original network exactly.</summary>
    public void BeforeRun(bool fresh) => _keep[0] = fresh ? 0 : _weight;

    /// <summary>After a run: what this frame used becomes the next frame's previous statistics.</summary>
    public void AfterRun()
    {
        for (var i = 0; i < _used.Length; i++)
        {
            _used[i].CopyTo(_previous[i], 0);
        }
    }

    private static OrtValue Wrap(float[] values, int offset, int count, long[] shape) =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, values.AsMemory(offset, count), shape);

    public void Dispose()
    {
        foreach (var (_, value) in _inputs.Concat(_outputs))
        {
            value.Dispose();
        }
    }
}
