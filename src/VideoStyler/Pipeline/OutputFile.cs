namespace VideoStyler.Pipeline;

/// <summary>
/// The output side of a run's file safety: refuses to overwrite an existing output (unless forced) or
/// the input, writes to a temporary file next to the output, and renames it into place only when the
/// run succeeded. A failed run leaves either nothing or a clearly named NAME.partial.EXT.
/// </summary>
public sealed class OutputFile
{
    private OutputFile(string finalPath, string temporaryPath, bool replaces)
    {
        FinalPath = finalPath;
        TemporaryPath = temporaryPath;
        Replaces = replaces;
    }

    /// <summary>An output of that name existed when the run began (--force): it stays until the commit.</summary>
    public bool Replaces { get; }

    public string FinalPath { get; }

    public string TemporaryPath { get; }

    public string PartialPath =>
        Path.Combine(Path.GetDirectoryName(FinalPath)!, Path.GetFileNameWithoutExtension(FinalPath) + ".partial" + Path.GetExtension(FinalPath));

    public static OutputFile Prepare(string inputPath, string outputPath, bool force)
    {
        var final = Path.GetFullPath(outputPath);
        if (string.Equals(final, Path.GetFullPath(inputPath), StringComparison.Ordinal))
        {
            throw new UserFacingException($"output {outputPath} is the input; choose another output name");
        }

        if (Directory.Exists(final))
        {
            throw new UserFacingException($"output {outputPath} is a folder; give a file name such as {Path.Combine(outputPath, "out.mp4")}");
        }

        if (File.Exists(final) && !force)
        {
            throw new UserFacingException($"output {outputPath} already exists (use --force to overwrite it)");
        }

        var folder = Path.GetDirectoryName(final)!;
        if (!Directory.Exists(folder))
        {
            throw new UserFacingException($"output folder does not exist: {folder}");
        }

        var temporary = Path.Combine(folder, "." + Path.GetFileNameWithoutExtension(final) + ".videostyler-tmp" + Path.GetExtension(final));
        try
        {
            // Prove the folder is writable before spending minutes on inference.
            using (File.Create(temporary))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot write to output folder {folder}: {ex.Message}");
        }

        return new OutputFile(final, temporary, File.Exists(final));
    }

    /// <summary>Moves the finished temporary file to the output name.</summary>
    public void Commit()
    {
        File.Move(TemporaryPath, FinalPath, overwrite: true);
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
        catch (IOException)
        {
            // Nothing more we can do; the final name was never touched.
        }

        return null;
    }
}
