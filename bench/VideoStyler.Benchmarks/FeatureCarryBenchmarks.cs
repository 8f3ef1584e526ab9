using BenchmarkDotNet.Attributes;
using OpenCvSharp;
using VideoStyler.Models;
using VideoStyler.Styles;
using VideoStyler.Stylize;
using VideoStyler.Stylize.Arbitrary;

namespace VideoStyler.Benchmarks;

/// <summary>
/// The in-network temporal stage without the model (<see cref="FeatureFlowStylizer"/>'s carry step): flow from
/// the input frame to the previous one at feature resolution, its confidence, and every feature plane warped
/// and blended, as `bench` runs it (640x360 frames, processing size 480: an 856x480 tensor, 214x120 features).
/// The frames alternate between two consecutive frames of walk.mkv, so every call measures real motion; the
/// features are the encoder's output for the first frame. Styles: candy (64 channels; needs ../shared/models)
/// and the Magenta transformer with the shipped starry-night vector (32 channels).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class FeatureCarryBenchmarks
{
    private const int Width = 640;
    private const int Height = 360;
    private const int ProcessingSize = 480;
    private readonly Mat[] _inputs = new Mat[2];
    private StyleSession? _style;
    private FeatureFlowStylizer? _stylizer;
    private int _next;

    [Params("candy", "starry-night")]
    public string Style { get; set; } = "candy";

    [GlobalSetup]
    public void Setup()
    {
        (_inputs[0], _inputs[1]) = BenchmarkFrames.LoadPair(Width, Height);
        if (Style == "candy")
        {
            var candy = BenchmarkFrames.FindSharedFile(Path.Combine("models", "candy.onnx"))
                ?? throw new InvalidOperationException("../shared/models/candy.onnx is needed for the candy case");
            _style = StyleSession.Load(StyleLibrary.FromPath(candy), ExecutionDevice.Cpu);
        }
        else
        {
            _style = StyleSession.Load(MagentaModels.Transformer(), ExecutionDevice.Cpu);
            _style.SetStyleVector(StyleCatalog.Embedded().First(e => e.Name == Style).Vector!);
        }

        _stylizer = FeatureFlowStylizer.TryCreate(_style, Width, Height, ProcessingSize, out var reason)
            ?? throw new InvalidOperationException($"no bottleneck cut: {reason}");
        using var output = new Mat(Height, Width, MatType.CV_8UC3);
        _stylizer.Process(_inputs[0], output);
        for (var i = 0; i < 3; i++)
        {
            Carry();
        }
    }

    [Benchmark]
    public void Carry()
    {
        _next ^= 1;
        _stylizer!.CarryFeatures(_inputs[_next]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stylizer?.Dispose();
        _style?.Dispose();
        foreach (var mat in _inputs)
        {
            mat?.Dispose();
        }
    }
}
