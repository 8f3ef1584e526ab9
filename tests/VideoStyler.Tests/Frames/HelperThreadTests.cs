using System.Globalization;
using VideoStyler.Frames;

namespace VideoStyler.Tests.Frames;

/// <summary>A stage's helper thread: jobs run on it with their argument, failures come back through Join, and a job allocates nothing.</summary>
public sealed class HelperThreadTests
{
    [Fact]
    public void A_job_runs_on_the_helper_with_its_argument_and_Join_waits_for_it()
    {
        var seen = new List<(int Argument, int Thread)>();
        using var helper = new HelperThread(argument => { Thread.Sleep(20); seen.Add((argument, Environment.CurrentManagedThreadId)); }, "vs-test");
        for (var job = 1; job <= 3; job++)
        {
            helper.Start(job);
            helper.Join();
            Assert.Equal(job, seen.Count); // Join returned after the job's 20 ms, not before
        }

        Assert.Equal([1, 2, 3], seen.Select(s => s.Argument));
        Assert.Single(seen.Select(s => s.Thread).Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, seen[0].Thread);
    }

    [Fact]
    public void A_failing_job_is_rethrown_by_Join_and_the_helper_goes_on()
    {
        using var helper = new HelperThread(argument => { if (argument == 0) { throw new InvalidDataException("job 0 failed"); } }, "vs-test");
        helper.Start(0);
        var error = Assert.Throws<InvalidDataException>(helper.Join);
        Assert.Equal("job 0 failed", error.Message);

        helper.Start(1);
        helper.Join(); // no stale failure

        helper.Start(0);
        helper.JoinQuietly(); // forgotten, as after another failure
        helper.Start(1);
        helper.Join();
    }

    [Fact]
    public void Starting_twice_without_Join_is_refused_and_Join_without_a_job_returns()
    {
        using var gate = new ManualResetEventSlim();
        using var helper = new HelperThread(_ => gate.Wait(), "vs-test");
        helper.Join();
        helper.Start(0);
        Assert.Throws<InvalidOperationException>(() => helper.Start(0));
        gate.Set();
        helper.Join();
    }

    [Fact]
    public void The_helper_runs_at_the_niceness_it_was_given_under_its_name()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var tid = 0;
        using var helper = new HelperThread(_ => tid = Libc.GetTid(), "vs-test-nice", niceness: 19);
        helper.Start(0);
        helper.Join();

        var stat = File.ReadAllText($"/proc/self/task/{tid}/stat");
        var name = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')];
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        Assert.Equal("vs-test-nice", name);
        Assert.Equal(19, int.Parse(fields[16], CultureInfo.InvariantCulture)); // field 19 of stat: nice
        Assert.NotEqual(tid, Libc.GetTid());
    }

    [Fact]
    public void A_job_allocates_nothing_on_the_owner_even_when_it_has_to_wait()
    {
        using var helper = new HelperThread(_ => Thread.SpinWait(20_000), "vs-test");
        for (var i = 0; i < 5; i++)
        {
            helper.Start(i);
            helper.Join();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            helper.Start(i);
            helper.Join();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
