namespace VideoStyler.Tests.Support;

/// <summary>The tests' temp folders go away with everything in them, and only with what is in them.</summary>
public class TempFolderTests
{
    [Fact]
    public void Dispose_removes_the_folder_with_a_locked_subfolder_and_leaves_link_targets_alone()
    {
        using var outside = new TempFolder();
        var keptFile = outside.File("kept.txt");
        File.WriteAllText(keptFile, "kept");
        var keptDir = Directory.CreateDirectory(outside.File("kept-dir")).FullName;
        File.WriteAllText(Path.Combine(keptDir, "inside.txt"), "kept");

        string path;
        using (var temp = new TempFolder())
        {
            path = temp.Path;
            Assert.True(Directory.Exists(path));
            Assert.StartsWith(Path.GetTempPath(), path, StringComparison.Ordinal);
            var locked = Directory.CreateDirectory(temp.File("locked"));
            File.WriteAllText(Path.Combine(locked.FullName, "a.txt"), "a");
            File.CreateSymbolicLink(temp.File("file-link"), keptFile);
            Directory.CreateSymbolicLink(temp.File("dir-link"), keptDir);
            if (!OperatingSystem.IsWindows())
            {
                locked.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserExecute;
            }
        }

        Assert.False(Directory.Exists(path));
        Assert.Equal("kept", File.ReadAllText(keptFile));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(keptDir, "inside.txt")));
    }

    [Fact]
    public void Each_folder_is_new_and_empty()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        Assert.NotEqual(a.Path, b.Path, StringComparer.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(a.Path));
    }
}
