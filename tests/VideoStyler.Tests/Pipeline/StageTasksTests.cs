using VideoStyler.Pipeline;
using System.Threading.Channels;

namespace VideoStyler.Tests.Pipeline;

/// <summary>The runner reports the fault that started a failure, not the broken pipes and cancellations it set off.</summary>
public class StageTasksTests
{
    [Fact]
    public async Task A_user_facing_fault_wins_over_the_broken_pipe_it_caused_in_an_earlier_stage()
    {
        // The decoder (first stage) saw its pipe break because the model stage failed and aborted the run.
        var decode = Task.FromException(new AggregateException(new AggregateException(new IOException("Broken pipe"))));
        var stylize = Task.FromException(new UserFacingException("style 'rigid' failed on a 160x120 picture"));
        var finish = Task.FromException(new ChannelClosedException(new OperationCanceledException()));
        var encode = Task.FromCanceled(new CancellationToken(canceled: true));

        var thrown = await Assert.ThrowsAsync<UserFacingException>(() => StageTasks.WhenAllReportingFirstFault(decode, stylize, finish, encode));

        Assert.Contains("failed on a 160x120 picture", thrown.Message);
    }

    [Fact]
    public async Task A_real_fault_wins_over_broken_pipes_and_a_broken_pipe_over_cancellations()
    {
        var pipe = Task.FromException(new IOException("Broken pipe"));
        var real = Task.FromException(new InvalidDataException("bad frame header"));
        var cancelled = Task.FromException(new OperationCanceledException("the run was stopped"));

        await Assert.ThrowsAsync<InvalidDataException>(() => StageTasks.WhenAllReportingFirstFault(pipe, cancelled, real));
        await Assert.ThrowsAsync<IOException>(() => StageTasks.WhenAllReportingFirstFault(cancelled, pipe));
    }
}
