using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using VideoStyler.Files;

namespace VideoStyler.Pipeline;

/// <summary>
/// The output side of a run's file safety: refuses to overwrite an existing output (unless forced) or
/// the input (compared by identity, so a link to the input is refused too), holds a lock
/// (<see cref="OutputLock"/>) so a second run on the same output is refused while this one writes, writes to a temporary file of its own (a unique
/// name beside the output) and renames it into place only when the run succeeded. A failed or cut-short
/// run leaves either nothing or a clearly named NAME.partial.EXT.
/// </summary>
internal sealed class OutputFile : IDisposable
{
    /// <summary>Longest file name (bytes) Linux file systems take.</summary>
    private const int NameMax = 255;

    private static readonly ConcurrentDictionary<OutputFile, byte> Active = new();

    private readonly OutputLock _lock;

    private OutputFile(string finalPath, string temporaryPath, bool replaces, bool force, OutputLock lockFile)
    {
        FinalPath = finalPath;
        TemporaryPath = temporaryPath;
        Replaces = replaces;
        Force = force;
        _lock = lockFile;
        Active.TryAdd(this, 0);
    }

    /// <summary>An output of that name existed when the run began (--force): it stays until the commit.</summary>
    public bool Replaces { get; }

    public bool Force { get; }

    public string FinalPath { get; }

    public string TemporaryPath { get; }

    public string PartialPath => PartialPathOf(FinalPath);

    /// <summary>NAME.partial.EXT beside <paramref name="finalPath"/> (the name shortened if it would be too long).</summary>
    public static string PartialPathOf(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(finalPath)!, FitName("", Path.GetFileNameWithoutExtension(finalPath), ".partial" + Path.GetExtension(finalPath)));

    public static OutputFile Prepare(string inputPath, string outputPath, bool force)
    {
        var final = Path.GetFullPath(outputPath);
        if (FileIdentity.SameTarget(final, inputPath))
        {
            throw new UserFacingException($"output {outputPath} is the input (the same file, maybe through a link); choose another output name");
        }

        if (Directory.Exists(final))
        {
            throw new UserFacingException($"output {outputPath} is a folder; give a file name such as {Path.Combine(outputPath, "out.mp4")}");
        }

        var folder = Path.GetDirectoryName(final)!;
        if (!Directory.Exists(folder))
        {
            throw new UserFacingException($"output folder does not exist: {folder}");
        }

        var baseName = Path.GetFileNameWithoutExtension(final);
        var extension = Path.GetExtension(final);
        // A second run on the same output is refused while this one writes (no lock file: see OutputLock).
        var lockFile = OutputLock.TryAcquire(final)
            ?? throw new UserFacingException($"another videostyler run is writing {outputPath} now; wait for it to end or choose another output name");

        var done = false;
        try
        {
            if (File.Exists(final) && !force)
            {
                throw new UserFacingException($"output {outputPath} already exists (use --force to overwrite it)");
            }

            // A name of this run's own: two runs never share a temporary file.
            var unique = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
            var temporary = Path.Combine(folder, FitName(".", baseName, $".{unique}.videostyler-tmp{extension}"));
            try
            {
                // Prove the folder is writable before spending minutes on inference.
                using (new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
                {
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UserFacingException($"cannot write to output folder {folder}: {ex.Message}");
            }

            done = true;
            return new OutputFile(final, temporary, File.Exists(final), force, lockFile);
        }
        finally
        {
            if (!done)
            {
                lockFile.Dispose();
            }
        }
    }

    /// <summary>
    /// Moves the finished temporary file to the output name. Without --force it never replaces a file
    /// that appeared meanwhile (another program wrote it): the result is then kept as NAME.partial.EXT.
    /// </summary>
    public void Commit()
    {
        if (Force)
        {
            File.Move(TemporaryPath, FinalPath, overwrite: true);
            return;
        }

        try
        {
            File.Move(TemporaryPath, FinalPath, overwrite: false);
        }
        catch (IOException) when (File.Exists(FinalPath))
        {
            var kept = Abandon();
            throw new UserFacingException(
                $"{FinalPath} appeared while this run was writing it (another program wrote it) and was left as it is; this run's result is kept as {kept}");
        }
    }

    /// <summary>Moves the temporary file to NAME.partial.EXT (a run that was cut short: not taken as done).</summary>
    public string CommitAsPartial()
    {
        File.Move(TemporaryPath, PartialPath, overwrite: true);
        return PartialPath;
    }

    /// <summary>
    /// After a failure where what was written is of no use and only holds space (the disk filled up):
    /// removes the temporary file. Returns whether it is gone.
    /// </summary>
    public bool Discard()
    {
        try
        {
            File.Delete(TemporaryPath);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>After a failure: keeps what was written as NAME.partial.EXT (returned), or removes it.</summary>
    public string? Abandon()
    {
        try
        {
            if (File.Exists(TemporaryPath) && new FileInfo(TemporaryPath).Length > 0)
            {
                File.Move(TemporaryPath, PartialPath, overwrite: true);
                return PartialPath;
            }

            File.Delete(TemporaryPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing more we can do; the final name was never touched.
        }

        return null;
    }

    /// <summary>
    /// For a stop that cannot wait (a second Ctrl-C): every output still being written is kept as
    /// NAME.partial.EXT, never left under a hidden name. Returns the names kept.
    /// </summary>
    public static IReadOnlyList<string> AbandonAll()
    {
        var kept = new List<string>();
        foreach (var output in Active.Keys)
        {
            if (output.Abandon() is { } partial)
            {
                kept.Add(partial);
            }

            output.Dispose();
        }

        return kept;
    }

    public void Dispose()
    {
        Active.TryRemove(this, out _);
        _lock.Dispose();
    }

    /// <summary>prefix + name + suffix, with name cut (whole UTF-8 characters) so the result fits in a file name.</summary>
    internal static string FitName(string prefix, string name, string suffix)
    {
        var room = NameMax - Encoding.UTF8.GetByteCount(prefix) - Encoding.UTF8.GetByteCount(suffix);
        var cut = name;
        while (Encoding.UTF8.GetByteCount(cut) > room && cut.Length > 0)
        {
            cut = cut[..^1];
            if (cut.Length > 0 && char.IsHighSurrogate(cut[^1]))
            {
                cut = cut[..^1];
            }
        }

        return prefix + cut + suffix;
    }
}
