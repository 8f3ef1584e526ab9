using BenchmarkDotNet.Attributes;
using OpenCvSharp;
using VideoStyler.Models;
using VideoStyler.Stylize;
using VideoStyler.Temporal;

namespace VideoStyler.Benchmarks;

/// <summary>
/// One <see cref="TemporalBlender.Process(Mat, Mat, Mat?, Mat?, Mat)"/> call with default options as the
/// batch pipeline makes it, with the next frame as lookahead: flow between the current and the next input
/// (both directions), warping the history and the next stylized frame, limiting the change. The inputs
/// alternate between two consecutive frames of walk.mkv, so every call has real motion to measure; the
/// stylized frames are the embedded toon style's output for them (made once in setup).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class TemporalBlenderBenchmarks
{
    private readonly Mat[] _inputs = new Mat[2];
    private readonly Mat[] _stylized = new Mat[2];
    private TemporalBlender? _blender;
    private Mat? _output;
    private int _next;

    public static IEnumerable<FrameSize> Sizes => FrameSize.All;

    [ParamsSource(nameof(Sizes))]
    public FrameSize Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (width, height) = (Size.Width, Size.Height);
        (_inputs[0], _inputs[1]) = BenchmarkFrames.LoadPair(width, height);

        var source = StyleLibrary.Embedded(StyleLibrary.DefaultStyleName)!;
        using (var style = StyleSession.Load(source, ExecutionDevice.Cpu))
        using (var stylizer = new OnnxStylizer(style, width, height, processingShortSide: height))
        {
            for (var i = 0; i < 2; i++)
            {
                _stylized[i] = new Mat(height, width, MatType.CV_8UC3);
                stylizer.Process(_inputs[i], _stylized[i]);
            }
        }

        _output = new Mat(height, width, MatType.CV_8UC3);
        _blender = new TemporalBlender(width, height, new TemporalOptions());

        // The first call only starts the history; the next ones take the full path that is measured.
        for (var i = 0; i < 3; i++)
        {
            Process();
            if (_blender.LastFrameWasSceneCut)
            {
                Console.WriteLine("// warning: the frame pair reads as a scene cut; the blend path is not measured");
            }
        }
    }

    [Benchmark]
    public void Process()
    {
        _blender!.Process(_inputs[_next], _stylized[_next], _inputs[_next ^ 1], _stylized[_next ^ 1], _output!);
        _next ^= 1;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _blender?.Dispose();
        _output?.Dispose();
        foreach (var mat in _inputs.Concat(_stylized))
        {
            mat?.Dispose();
        }
    }
}
