using System.Runtime.ExceptionServices;
using System.Threading.Channels;

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
            var faults = stages.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).ToList();
            var root = faults.FirstOrDefault(e => e is not OperationCanceledException && e is not ChannelClosedException)
                ?? faults.FirstOrDefault();
            if (root is not null)
            {
                ExceptionDispatchInfo.Capture(root).Throw();
            }

            throw;
        }
    }
}
