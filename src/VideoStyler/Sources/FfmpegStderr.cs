namespace VideoStyler.Sources;

/// <summary>Keeps the last lines ffmpeg wrote to stderr, so errors we raise can quote them.</summary>
internal sealed class FfmpegStderr
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();
    private readonly int _keep;

    public FfmpegStderr(int keep = 20)
    {
        _keep = keep;
    }

    public void Add(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        if (line.Contains("No space left on device", StringComparison.Ordinal))
        {
            OutputFull = "no space left on device";
        }
        else if (line.Contains("File too large", StringComparison.Ordinal))
        {
            OutputFull ??= "file too large";
        }

        if (line.StartsWith("Error writing trailer", StringComparison.Ordinal) || line.StartsWith("Error closing file", StringComparison.Ordinal))
        {
            // ffmpeg 5.1 reports these and still exits with 0: the file is not complete.
            FinishFailed ??= line.Trim();
        }

        lock (_gate)
        {
            _lines.Enqueue(line.Trim());
            while (_lines.Count > _keep)
            {
                _lines.Dequeue();
            }
        }
    }

    /// <summary>
    /// Set once ffmpeg reported that a write failed because the output cannot grow (ENOSPC: the disk is
    /// full; EFBIG: a file size limit): the reason, in words. Sticky, since later lines may bury it.
    /// </summary>
    public string? OutputFull { get; private set; }

    /// <summary>The first line saying the output could not be finished (trailer or close failed), if any.</summary>
    public string? FinishFailed { get; private set; }

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>The most telling line: the last one that looks like an error, else the last one.</summary>
    public string? Summary
    {
        get
        {
            lock (_gate)
            {
                // Progress lines ("frame=  27 fps=4.5 ...") say nothing about what went wrong.
                var lines = _lines.Where(l => !l.StartsWith("frame=", StringComparison.Ordinal) && !l.StartsWith("size=", StringComparison.Ordinal)).ToArray();
                return lines.LastOrDefault(l => l.Contains("rror", StringComparison.Ordinal)
                        || l.Contains("No space", StringComparison.Ordinal)
                        || l.Contains("Invalid", StringComparison.Ordinal))
                    ?? lines.LastOrDefault();
            }
        }
    }
}
