namespace VideoStyler.Sources;

/// <summary>Keeps the last lines ffmpeg wrote to stderr, so errors we raise can quote them.</summary>
public sealed class FfmpegStderr
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

        lock (_gate)
        {
            _lines.Enqueue(line.Trim());
            while (_lines.Count > _keep)
            {
                _lines.Dequeue();
            }
        }
    }

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
