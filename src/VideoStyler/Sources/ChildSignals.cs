using System.Runtime.InteropServices;

namespace VideoStyler.Sources;

/// <summary>
/// Keeps a terminal's Ctrl-C away from the ffmpeg/ffprobe children. A terminal sends SIGINT (and Ctrl-\
/// SIGQUIT) to its whole foreground process group: ffmpeg would stop on its own (the decoder mid-stream,
/// the encoder finalizing while frames still come), racing the tool's own orderly stop. The children are
/// the tool's to end: while one is started, the starting thread blocks SIGINT and SIGQUIT, and the child
/// inherits that mask (posix: the signal mask survives fork and exec; .NET restores the starting
/// thread's mask in the child), so the signals stay pending in ffmpeg and never act. FFMpegCore starts
/// its process synchronously inside ProcessAsynchronously and offers no hook to change how, which rules
/// out setsid/setpgid, and a mask is the same for every way a child is started here.
/// </summary>
internal static partial class ChildSignals
{
    private const int SigBlock = 0;
    private const int SigSetMask = 2;

    // sigset_t is 1024 bits in glibc; SIGINT is 2 and SIGQUIT 3 (bit = signal - 1).
    private const int SetWords = 16;
    private const ulong Blocked = (1UL << (2 - 1)) | (1UL << (3 - 1));

    /// <summary>Blocks SIGINT and SIGQUIT on this thread until disposed: start children inside it, with no await between.</summary>
    public static Scope Shield() => new();

    [LibraryImport("libc", EntryPoint = "pthread_sigmask")]
    private static unsafe partial int PthreadSigmask(int how, ulong* set, ulong* oldSet);

    /// <summary>Restores the thread's signal mask when disposed.</summary>
    public sealed class Scope : IDisposable
    {
        private readonly ulong[] _old = new ulong[SetWords];
        private readonly bool _active;

        internal unsafe Scope()
        {
            if (!OperatingSystem.IsLinux())
            {
                return;
            }

            var set = stackalloc ulong[SetWords];
            new Span<ulong>(set, SetWords).Clear();
            set[0] = Blocked;
            fixed (ulong* old = _old)
            {
                _active = PthreadSigmask(SigBlock, set, old) == 0;
            }
        }

        public unsafe void Dispose()
        {
            if (_active)
            {
                fixed (ulong* old = _old)
                {
                    _ = PthreadSigmask(SigSetMask, old, null);
                }
            }
        }
    }
}
