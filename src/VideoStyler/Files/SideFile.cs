using System.Security.Cryptography;

namespace VideoStyler.Files;

/// <summary>
/// A file a run writes besides its output (--stats): checked before the run starts (not the input or
/// the output under any name, not an existing file without --force, writable), then written whole
/// through a temporary file of its own and renamed into place, so it is never left half-written.
/// </summary>
internal sealed class SideFile
{
    private SideFile(string option, string path, string fullPath, bool force)
    {
        Option = option;
        DisplayPath = path;
        FullPath = fullPath;
        Force = force;
    }

    /// <summary>The option that named it, e.g. "--stats", for messages.</summary>
    public string Option { get; }

    public string DisplayPath { get; }

    public string FullPath { get; }

    public bool Force { get; }

    /// <param name="option">The option that named the file, for messages.</param>
    /// <param name="path">The path as given.</param>
    /// <param name="force">--force: an existing file may be replaced.</param>
    /// <param name="others">Files of the run it must not be (e.g. ("input", INPUT), ("output", OUTPUT)).</param>
    public static SideFile Prepare(string option, string path, bool force, IEnumerable<(string What, string Path)> others)
    {
        var full = Path.GetFullPath(path);
        foreach (var (what, other) in others)
        {
            if (FileIdentity.SameTarget(full, other))
            {
                throw new UserFacingException($"{option} {path} is the {what} (the same file, maybe through a link); give another file name");
            }
        }

        if (Directory.Exists(full))
        {
            throw new UserFacingException($"{option} {path} is a folder; give a file name");
        }

        if (File.Exists(full) && !force)
        {
            throw new UserFacingException($"{option} {path} already exists (use --force to overwrite it)");
        }

        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new UserFacingException($"cannot write {Describe(option)} {path}: folder {folder} does not exist");
        }

        try
        {
            // Prove it can be written now, not after minutes of work.
            var probe = TemporaryPathFor(full);
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            if (File.Exists(full))
            {
                using (new FileStream(full, FileMode.Open, FileAccess.Write))
                {
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot write {Describe(option)} {path}: {ex.Message}");
        }

        return new SideFile(option, path, full, force);
    }

    /// <summary>Writes the whole text through a temporary file renamed into place.</summary>
    public void Write(string text)
    {
        var temporary = TemporaryPathFor(FullPath);
        try
        {
            File.WriteAllText(temporary, text);
            File.Move(temporary, FullPath, overwrite: Force);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
            }

            throw new UserFacingException($"cannot write {Describe(Option)} {DisplayPath}: {ex.Message}");
        }
    }

    private static string Describe(string option) => option.TrimStart('-') + " file";

    private static string TemporaryPathFor(string full) =>
        Path.Combine(
            Path.GetDirectoryName(full)!,
            Pipeline.OutputFile.FitName(".", Path.GetFileName(full), $".{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.videostyler-tmp"));
}
