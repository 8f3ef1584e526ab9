using OpenCvSharp;
using VideoStyler.Stylize;
using VideoStyler.Tests.Support;
using VideoStyler.Tests.Temporal;

namespace VideoStyler.Tests.Stylize;

/// <summary>
/// Frames of a shared clip scaled to one small size, and the outputs a stylizer makes from them: every
/// Mat is kept by one <see cref="FrameKeeper"/> and disposed with it (the in-network temporal tests).
/// </summary>
internal sealed class SmallClip : IDisposable
{
    private readonly FrameKeeper _keeper = new();

    public SmallClip(int width, int height)
    {
        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }

    public Mat Keep(Mat mat) => _keeper.Keep(mat);

    /// <summary>The first <paramref name="count"/> frames of ../shared/data/<paramref name="name"/> at Width x Height.</summary>
    public List<Mat> Read(string name, int count)
    {
        var frames = TestFrames.Read(TestPaths.SharedData(name), count);
        var small = frames.Select(f => Keep(f.Resize(new Size(Width, Height), 0, 0, InterpolationFlags.Area))).ToList();
        foreach (var frame in frames)
        {
            frame.Dispose();
        }

        return small;
    }

    /// <summary>Stylizes one frame into a new kept Mat of the same size.</summary>
    public Mat Run(IStylizer stylizer, Mat frame)
    {
        var output = Keep(new Mat(Height, Width, MatType.CV_8UC3));
        stylizer.Process(frame, output);
        return output;
    }

    public void Dispose() => _keeper.Dispose();
}
