using OpenCvSharp;

namespace VideoStyler.Tests.Temporal;

/// <summary>Frames a test makes and keeps until it ends: each passes through <see cref="Keep(Mat)"/>, all are disposed together.</summary>
internal sealed class FrameKeeper : IDisposable
{
    private readonly List<Mat> _frames = [];

    public Mat Keep(Mat frame)
    {
        _frames.Add(frame);
        return frame;
    }

    public List<Mat> Keep(IEnumerable<Mat> frames)
    {
        var list = frames.ToList();
        _frames.AddRange(list);
        return list;
    }

    public void Dispose() => TestClips.DisposeAll(_frames);
}
