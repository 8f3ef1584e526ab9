using VideoStyler.Temporal;
using VideoStyler.Frames;

namespace VideoStyler.Pipeline;

/// <summary>
/// Wraps the <see cref="TemporalBlender"/> for the batch pipeline. Each frame is blended once the next one
/// has arrived (its lookahead), so frames leave one call later than they come: <see cref="Push"/> returns the
/// previous frame, finished in place in its output buffer, and <see cref="Flush"/> the last one. Times the
/// blending.
/// </summary>
internal sealed class TemporalStage : IDisposable
{
    private readonly TemporalBlender _blender;
    private readonly PipelineStats _stats;
    private Frame? _pending;

    public TemporalStage(TemporalBlender blender, PipelineStats stats)
    {
        _blender = blender;
        _stats = stats;
    }

    /// <summary>
    /// Takes the next stylized frame (the stage owns it from here on, also when this throws) and returns the
    /// frame before it, now finished, or null for the first frame.
    /// </summary>
    public Frame? Push(Frame frame)
    {
        var ready = _pending;
        _pending = frame;
        if (ready is null)
        {
            return null;
        }

        try
        {
            Blend(ready, frame);
            return ready;
        }
        catch
        {
            ready.Release();
            throw;
        }
    }

    /// <summary>Finishes and returns the frame still held (the last one), or null when there is none.</summary>
    public Frame? Flush()
    {
        var last = _pending;
        _pending = null;
        if (last is null)
        {
            return null;
        }

        try
        {
            Blend(last, null);
            return last;
        }
        catch
        {
            last.Release();
            throw;
        }
    }

    /// <summary>Releases a frame still held (after a failure) and the blender.</summary>
    public void Dispose()
    {
        _pending?.Release();
        _pending = null;
        _blender.Dispose();
    }

    private void Blend(Frame frame, Frame? next)
    {
        var start = StageClock.Start();
        _blender.Process(frame.SourceMat, frame.OutputMat, next?.SourceMat, next?.OutputMat, frame.OutputMat);
        _stats.Temporal.AddSince(start);
    }
}
