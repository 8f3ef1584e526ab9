using BenchmarkDotNet.Attributes;
using OpenCvSharp;
using VideoStyler.Models;
using VideoStyler.Stylize;

namespace VideoStyler.Benchmarks;

/// <summary>
/// The model-free halves of <see cref="OnnxStylizer"/>: frame to input tensor and output tensor to
/// frame. The processing short side is the frame height, so there is no resize: this measures the
/// byte/float conversion and the planar channel shuffle of the embedded toon model (NCHW, BGR, 0..255).
/// The model runs once in setup only, so Postprocess reads a real output tensor.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class StylizerBenchmarks
{
    private StyleSession? _style;
    private OnnxStylizer? _stylizer;
    private Mat? _source;
    private Mat? _destination;

    public static IEnumerable<FrameSize> Sizes => FrameSize.All;

    [ParamsSource(nameof(Sizes))]
    public FrameSize Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (width, height) = (Size.Width, Size.Height);
        var source = StyleLibrary.Embedded(StyleLibrary.DefaultStyleName)!;
        _style = StyleSession.Load(source, ExecutionDevice.Cpu);
        _stylizer = new OnnxStylizer(_style, width, height, processingShortSide: height);
        var (first, second) = BenchmarkFrames.LoadPair(width, height);
        second.Dispose();
        _source = first;
        _destination = new Mat(height, width, MatType.CV_8UC3);

        _stylizer.Preprocess(_source);
        _stylizer.RunModelOnly();
    }

    [Benchmark]
    public void Preprocess() => _stylizer!.Preprocess(_source!);

    [Benchmark]
    public void Postprocess() => _stylizer!.Postprocess(_destination!);

    [GlobalCleanup]
    public void Cleanup()
    {
        _stylizer?.Dispose();
        _style?.Dispose();
        _source?.Dispose();
        _destination?.Dispose();
    }
}
