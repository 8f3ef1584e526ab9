using OpenCvSharp;
using VideoStyler.Models;
using VideoStyler.Stylize;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Temporal;

/// <summary>
/// The first frames of the shared help.mkv and walk.mkv clips with their per-frame candy stylization (the
/// real style model at --size 480), made once for all temporal tests that need real flicker.
/// </summary>
public sealed class CandyClips : IDisposable
{
    public const int HelpFrames = 10;
    public const int WalkFrames = 4;

    public CandyClips()
    {
        Help = TestClips.Read(TestPaths.SharedData("help.mkv"), HelpFrames);
        Walk = TestClips.Read(TestPaths.SharedData("walk.mkv"), WalkFrames);
        var width = Help[0].Cols;
        var height = Help[0].Rows;
        using var style = StyleSession.Load(StyleLibrary.FromPath(TestPaths.SharedModel("candy.onnx")), ExecutionDevice.Cpu);
        using var stylizer = new OnnxStylizer(style, width, height, processingShortSide: 480);
        HelpStylized = Stylize(stylizer, Help);
        WalkStylized = Stylize(stylizer, Walk);
    }

    public IReadOnlyList<Mat> Help { get; }

    public IReadOnlyList<Mat> HelpStylized { get; }

    public IReadOnlyList<Mat> Walk { get; }

    public IReadOnlyList<Mat> WalkStylized { get; }

    public void Dispose()
    {
        TestClips.DisposeAll(Help);
        TestClips.DisposeAll(HelpStylized);
        TestClips.DisposeAll(Walk);
        TestClips.DisposeAll(WalkStylized);
    }

    private static List<Mat> Stylize(OnnxStylizer stylizer, IReadOnlyList<Mat> frames) =>
        frames.Select(frame =>
        {
            var stylized = new Mat(frame.Size(), MatType.CV_8UC3);
            stylizer.Process(frame, stylized);
            return stylized;
        }).ToList();
}
