using System.Runtime.ExceptionServices;

namespace VideoStyler.Frames;

/// <summary>
/// A stage's helper: a thread of its own that runs one fixed body on demand (<see cref="Start"/> hands it an argument,
/// <see cref="Join"/> waits for the end) and waits, parked in the kernel, between jobs. For a stage's short CPU work
/// that can run beside the stage's own thread: half of a loop of independent OpenCV calls while the stage does the
/// other half, or work that needs only the input (optical flow) while the stage waits on ONNX Runtime. With a
/// <c>niceness</c> the helper runs below the model's threads and so takes only the slices they leave idle. The body
/// is fixed at creation and the hand-over is two semaphores (their blocking wait allocates nothing, unlike
/// ManualResetEventSlim's first one, and spins only microseconds before parking: on a 2-core machine a long spin
/// steals the core the other side needs), so a job allocates nothing. An exception in the body is rethrown by
/// <see cref="Join"/>. One owner thread; not thread-safe.
/// </summary>
internal sealed class HelperThread : IDisposable
{
    private readonly Action<int> _body;
    private readonly int _niceness;
    private readonly Thread _thread;
    private readonly SemaphoreSlim _start = new(0, 1);
    private readonly SemaphoreSlim _done = new(0, 1);
    private ExceptionDispatchInfo? _failure;
    private int _argument;
    private bool _running;
    private volatile bool _stopping;

    /// <param name="body">What a job runs, with the argument given to <see cref="Start"/>.</param>
    /// <param name="threadName">The thread's name (the kernel's, 15 bytes at most, is what `bench` groups CPU time by).</param>
    /// <param name="niceness">Nice value the thread lowers itself to (0: the owner's priority).</param>
    public HelperThread(Action<int> body, string threadName, int niceness = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegative(niceness);
        _body = body;
        _niceness = niceness;
        _thread = new Thread(Loop) { IsBackground = true, Name = threadName };
        _thread.Start();
    }

    /// <summary>Hands the helper a job: <c>body(argument)</c>. The previous job must have been joined.</summary>
    public void Start(int argument)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (_running)
        {
            throw new InvalidOperationException("the helper's previous job was not joined");
        }

        _argument = argument;
        _running = true;
        _start.Release();
    }

    /// <summary>Waits for the job started last (returns at once when none is running) and rethrows its exception, if any.</summary>
    public void Join()
    {
        if (!_running)
        {
            return;
        }

        _done.Wait();
        _running = false;
        if (_failure is { } failure)
        {
            _failure = null;
            failure.Throw();
        }
    }

    /// <summary>Waits for the job started last and forgets its exception: for cleaning up after another failure.</summary>
    public void JoinQuietly()
    {
        if (_running)
        {
            _done.Wait();
            _running = false;
            _failure = null;
        }
    }

    private void Loop()
    {
        if (_niceness > 0)
        {
            ThreadNice.LowerCurrentThread(_niceness);
        }

        while (true)
        {
            _start.Wait();
            if (_stopping)
            {
                return;
            }

            try
            {
                _body(_argument);
            }
#pragma warning disable CA1031 // any failure of the job is handed to the owner, whose Join rethrows it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _failure = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                _done.Release();
            }
        }
    }

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        JoinQuietly();
        _stopping = true;
        _start.Release();
        _thread.Join();
        _start.Dispose();
        _done.Dispose();
    }
}
