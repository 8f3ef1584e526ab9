using System.Runtime.InteropServices;

namespace VideoStyler.Frames;

/// <summary>
/// Every call the tool makes into the C library (Linux), in one place. Callers keep their own logic
/// (checks for Linux, errors, fallbacks); here are only the entry points, named as in libc.
/// </summary>
internal static partial class Libc
{
    /// <summary>kill(2): sends <paramref name="signal"/> to process <paramref name="pid"/>.</summary>
    [LibraryImport("libc", EntryPoint = "kill")]
    internal static partial int Kill(int pid, int signal);

    /// <summary>pthread_sigmask(3): changes the calling thread's signal mask (glibc's 1024-bit sigset_t).</summary>
    [LibraryImport("libc", EntryPoint = "pthread_sigmask")]
    internal static unsafe partial int PthreadSigmask(int how, ulong* set, ulong* oldSet);

    /// <summary>gettid(2): the calling thread's kernel id.</summary>
    [LibraryImport("libc", EntryPoint = "gettid")]
    internal static partial int GetTid();

    /// <summary>setpriority(2): the nice value of a process or (with its tid) a thread.</summary>
    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    internal static partial int SetPriority(int which, int who, int priority);

    /// <summary>statx(2): file status into a caller's 256-byte buffer.</summary>
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    /// <summary>prctl(2) with a name buffer (PR_SET_NAME, PR_GET_NAME).</summary>
    [LibraryImport("libc", EntryPoint = "prctl")]
    internal static partial int Prctl(int option, byte[] name, nint arg3, nint arg4, nint arg5);

    /// <summary>dup(2).</summary>
    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    internal static partial int Dup(int fd);

    /// <summary>dup2(2).</summary>
    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    internal static partial int Dup2(int fd, int target);

    /// <summary>close(2).</summary>
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
