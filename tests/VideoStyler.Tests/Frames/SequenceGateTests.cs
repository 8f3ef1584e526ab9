using VideoStyler.Frames;

namespace VideoStyler.Tests.Frames;

public sealed class SequenceGateTests
{
    private static readonly int[] ArrivalOrder = [3, 1, 2, 0];

    [Fact]
    public void Steps_run_in_their_order_whatever_order_the_threads_arrive_in()
    {
        var gate = new SequenceGate();
        var order = new List<int>();
        var threads = ArrivalOrder.Select(step => new Thread(() =>
        {
            gate.WaitFor(step);
            order.Add(step);
            gate.Done(step);
        })).ToList();
        foreach (var thread in threads)
        {
            thread.Start();
            Thread.Sleep(10);
        }

        threads.ForEach(t => t.Join());
        Assert.Equal([0, 1, 2, 3], order);
        Assert.Equal(4, gate.Next);
    }

    [Fact]
    public void A_step_taken_twice_or_marked_out_of_turn_is_an_error_and_close_ends_the_waits()
    {
        var gate = new SequenceGate();
        gate.WaitFor(0);
        gate.Done(0);
        Assert.Throws<InvalidOperationException>(() => gate.WaitFor(0));
        Assert.Throws<InvalidOperationException>(() => gate.Done(5));

        Exception? fault = null;
        var waiting = new Thread(() => fault = Record.Exception(() => gate.WaitFor(2)));
        waiting.Start();
        Assert.False(waiting.Join(100));
        gate.Close();
        Assert.True(waiting.Join(TimeSpan.FromSeconds(10)));
        Assert.IsType<OperationCanceledException>(fault);
        Assert.Throws<OperationCanceledException>(() => gate.WaitFor(1));
    }
}
