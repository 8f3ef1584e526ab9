using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using VideoStyler.Frames;

namespace VideoStyler.Pipeline;

/// <summary>How the batch and live runners run their stage tasks so that no fault is lost.</summary>
internal static class StageTasks
{
    /// <summary>Runs a stage; on failure completes its downstream channel with the fault and cancels the rest.</summary>
    public static async Task Guard(Func<Task> stage, ChannelWriter<Frame>? downstream, CancellationTokenSource abort)
    {
        try
        {
            await stage();
        }
        catch (Exception ex)
        {
            downstream?.TryComplete(ex);
            if (ex is not OperationCanceledException)
            {
                await abort.CancelAsync();
            }

            throw;
        }
    }

    /// <summary>Awaits every stage; on failure rethrows the root cause rather than the cancellations it triggered.</summary>
    public static async Task WhenAllReportingFirstFault(params Task[] stages)
    {
        try
        {
            await Task.WhenAll(stages);
        }
        catch
        {
            var faults = stages.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.Flatten().InnerExceptions).ToList();
            // The root cause, not what it set off: a stage that fails (a model that cannot run, say) aborts
            // the others, and ffmpeg's pipes then break (IOException "Broken pipe") in whichever stage was
            // writing. So a fault meant for the user wins, then any other real fault, then broken pipes,
            // then the cancellations and closed channels of the abort itself.
            var root = faults.MinBy(Rank);
            if (root is not null)
            {
                ExceptionDispatchInfo.Capture(root).Throw();
            }

            throw;
        }
    }

    private static int Rank(Exception fault) => fault switch
    {
        UserFacingException => 0,
        OperationCanceledException or ChannelClosedException => 3,
        IOException => 2,
        _ => 1,
    };
}
