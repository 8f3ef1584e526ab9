using System.Diagnostics;
using VideoStyler.Temporal;

namespace VideoStyler.Pipeline;

/// <summary>
/// Wraps the <see cref="TemporalBlender"/> for the batch pipeline: blends each frame's stylized picture
/// with the flow-warped previous output, in place in the frame's output buffer, and times it.
/// </summary>
public sealed class TemporalStage : IDisposable
{
    private readonly TemporalBlender _blender;
    private readonly PipelineStats _stats;

    public TemporalStage(TemporalBlender blender, PipelineStats stats)
    {
        _blender = blender;
        _stats = stats;
    }

    public void Process(Frame frame)
    {
        var start = Stopwatch.GetTimestamp();
        _blender.Process(frame.SourceMat, frame.OutputMat, frame.OutputMat);
        _stats.Temporal.AddSince(start);
    }

    public void Dispose() => _blender.Dispose();
}
