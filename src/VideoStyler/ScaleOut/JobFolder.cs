using VideoStyler.Pipeline;
using System.Globalization;
using System.Text.Json;

namespace VideoStyler.ScaleOut;

/// <summary>
/// A job folder on storage every worker sees: job.json (the plan), segments/NNN.mkv with NNN.json (a
/// finished segment and its stats, both written under a temporary name and renamed), NNN.error (why a
/// segment failed, for the join's report) and logs/ for the scheduler's output.
/// </summary>
internal sealed class JobFolder
{
    public const string JobFileName = "job.json";

    private JobFolder(string path, JobSpec spec)
    {
        Path = path;
        Spec = spec;
    }

    public string Path { get; }

    public JobSpec Spec { get; }

    public string SegmentsFolder => System.IO.Path.Combine(Path, "segments");

    public string LogsFolder => System.IO.Path.Combine(Path, "logs");

    public string SegmentFile(int index) => System.IO.Path.Combine(SegmentsFolder, Name(index) + Spec.SegmentExtension);

    public string StatsFile(int index) => System.IO.Path.Combine(SegmentsFolder, Name(index) + ".json");

    public string ErrorFile(int index) => System.IO.Path.Combine(SegmentsFolder, Name(index) + ".error");

    /// <summary>Writes a new job folder; refuses a folder that already holds a job unless forced.</summary>
    public static JobFolder Create(string path, JobSpec spec, bool force)
    {
        var full = System.IO.Path.GetFullPath(path);
        var jobFile = System.IO.Path.Combine(full, JobFileName);
        if (File.Exists(jobFile) && !force)
        {
            throw new UserFacingException($"{path} already holds a job (use --force to plan it anew; its finished segments are then removed)");
        }

        if (Directory.Exists(full) && !File.Exists(jobFile) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new UserFacingException($"job folder {path} exists and is not empty; give a new or empty folder");
        }

        try
        {
            Directory.CreateDirectory(full);
            var folder = new JobFolder(full, spec);
            if (Directory.Exists(folder.SegmentsFolder))
            {
                Directory.Delete(folder.SegmentsFolder, recursive: true);
            }

            Directory.CreateDirectory(folder.SegmentsFolder);
            Directory.CreateDirectory(folder.LogsFolder);
            WriteAtomically(jobFile, JsonSerializer.Serialize(spec, VideoStylerJson.Default.JobSpec) + "\n");
            return folder;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot write job folder {path}: {ex.Message}");
        }
    }

    /// <summary>Reads a job folder's plan; a missing or unreadable one is a one-line error.</summary>
    public static JobFolder Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var jobFile = System.IO.Path.Combine(full, JobFileName);
        if (!File.Exists(jobFile))
        {
            throw new UserFacingException($"{path} is not a job folder (no {JobFileName}; make one with videostyler plan)");
        }

        JobSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize(File.ReadAllText(jobFile), VideoStylerJson.Default.JobSpec);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot read {jobFile}: {ex.Message}", 3);
        }

        if (spec is null || spec.Segments.Count == 0)
        {
            throw new UserFacingException($"{jobFile} holds no segments", 3);
        }

        if (spec.Format != JobSpec.CurrentFormat)
        {
            throw new UserFacingException($"{jobFile} is in job format {spec.Format}; this tool reads format {JobSpec.CurrentFormat}");
        }

        return new JobFolder(full, spec);
    }

    /// <summary>
    /// Refuses to work when what this worker sees differs from the plan: another input file under that
    /// name, another tool version, or a style that resolves to another model.
    /// </summary>
    public void VerifyWorker()
    {
        if (StylizeRunner.ToolVersion != Spec.ToolVersion)
        {
            throw new UserFacingException(
                $"this worker runs VideoStyler {StylizeRunner.ToolVersion} but the job was planned with {Spec.ToolVersion}; run every worker with the same version");
        }

        VerifyInput();
        var style = StyleIdentity.Of(Spec.Settings.Library(), Spec.Settings.Style);
        if (style != Spec.StyleIdentity)
        {
            throw new UserFacingException(
                $"the style this worker resolves ({style}) is not the one the job was planned with ({Spec.StyleIdentity}); give every worker the same model files");
        }
    }

    /// <summary>Refuses an input that is missing or differs from the planned one.</summary>
    public void VerifyInput()
    {
        if (!File.Exists(Spec.InputPath))
        {
            throw new UserFacingException($"the job's input {Spec.InputPath} is not there (is the shared storage mounted?)");
        }

        var seen = InputIdentity.Of(Spec.InputPath);
        if (seen != Spec.Input)
        {
            throw new UserFacingException(
                $"{Spec.InputPath} is not the file this job was planned for (planned: {Spec.Input}; now: {seen}); plan the job again");
        }
    }

    /// <summary>The segment's stats when it is finished (both its video and its stats are in place), else null.</summary>
    public SegmentStats? Finished(int index)
    {
        var stats = StatsFile(index);
        if (!File.Exists(SegmentFile(index)) || !File.Exists(stats))
        {
            return null;
        }

        try
        {
            var read = JsonSerializer.Deserialize(File.ReadAllText(stats), VideoStylerJson.Default.SegmentStats);
            return read is not null && read.FramesOut == Spec.Segments[index].FrameCount ? read : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }

    /// <summary>The last recorded failure of a segment (one line), if any.</summary>
    public string? Failure(int index)
    {
        try
        {
            return File.Exists(ErrorFile(index)) ? File.ReadAllText(ErrorFile(index)).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Writes a file under a temporary name in the same folder and renames it into place.</summary>
    internal static void WriteAtomically(string path, string text)
    {
        var temporary = System.IO.Path.Combine(
            System.IO.Path.GetDirectoryName(path)!, "." + System.IO.Path.GetFileName(path) + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp");
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    private static string Name(int index) => index.ToString("000", CultureInfo.InvariantCulture);
}
