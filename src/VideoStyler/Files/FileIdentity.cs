using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace VideoStyler.Files;

/// <summary>
/// What a path is, not how it is spelled: the device and inode number it leads to after following
/// links (statx). Two paths with the same identity are one file, whether through a symbolic link, a
/// hard link or a bind mount, so an output or a --stats file can never be the input under another name.
/// </summary>
internal readonly partial record struct FileIdentity(ulong DeviceMajor, ulong DeviceMinor, ulong Inode)
{
    private const int AtFdCwd = -100;
    private const uint StatxIno = 0x100;
    private const int StatxSize = 256;

    /// <summary>The identity of the file or folder <paramref name="path"/> leads to, or null when there is none.</summary>
    public static unsafe FileIdentity? Of(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, Path.GetFullPath(path), 0, StatxIno, buffer) != 0)
        {
            return null;
        }

        var span = new ReadOnlySpan<byte>(buffer, StatxSize);
        return new FileIdentity(
            BinaryPrimitives.ReadUInt32LittleEndian(span[136..]),
            BinaryPrimitives.ReadUInt32LittleEndian(span[140..]),
            BinaryPrimitives.ReadUInt64LittleEndian(span[32..]));
    }

    /// <summary>Whether both paths exist and are the same file (or folder).</summary>
    public static bool Same(string a, string b) =>
        Of(a) is { } first && Of(b) is { } second && first == second;

    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/> name one file: the same identity when both
    /// exist; otherwise (a file not written yet) the same name in the same folder, the folders compared
    /// by identity too, so links or bind mounts anywhere in the path make no difference.
    /// </summary>
    public static bool SameTarget(string a, string b)
    {
        if (Same(a, b))
        {
            return true;
        }

        var first = Path.GetFullPath(a);
        var second = Path.GetFullPath(b);
        if (!string.Equals(Path.GetFileName(first), Path.GetFileName(second), StringComparison.Ordinal))
        {
            return false;
        }

        var firstFolder = Path.GetDirectoryName(first);
        var secondFolder = Path.GetDirectoryName(second);
        return string.Equals(firstFolder, secondFolder, StringComparison.Ordinal)
            || (firstFolder is not null && secondFolder is not null && Same(firstFolder, secondFolder));
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);
}
