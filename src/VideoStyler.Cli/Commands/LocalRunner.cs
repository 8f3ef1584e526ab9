using System.Diagnostics;
using VideoStyler.ScaleOut;

namespace VideoStyler.Cli.Commands;

/// <summary>`plan --emit local`: runs the job's segments as separate worker processes, W at a time, then joins.</summary>
internal static class LocalRunner
{
    public static async Task<int> RunAsync(JobFolder job, ToolCommand tool, int workers, CancellationToken stop)
    {
        var pending = new Queue<int>(job.Spec.Segments.Select(s => s.Index));
        var failures = new SortedDictionary<int, string>();
        var running = new List<Task>();
        var gate = new Lock();

        async Task Worker()
        {
            while (true)
            {
                int index;
                lock (gate)
                {
                    if (pending.Count == 0 || stop.IsCancellationRequested)
                    {
                        return;
                    }

                    index = pending.Dequeue();
                }

                var (code, message) = await RunWorkerAsync(tool, job.Path, index, stop);
                if (code != 0)
                {
                    lock (gate)
                    {
                        failures[index] = $"exit {code}: {message}";
                    }
                }
                else
                {
                    Console.Out.WriteLine(message);
                }
            }
        }

        for (var i = 0; i < Math.Min(workers, job.Spec.Segments.Count); i++)
        {
            running.Add(Worker());
        }

        await Task.WhenAll(running);
        if (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine($"interrupted: the finished segments are kept in {job.Path}; run the rest with videostyler run-segment, then videostyler join");
            return 130;
        }

        if (failures.Count > 0)
        {
            foreach (var (index, failure) in failures)
            {
                Console.Error.WriteLine($"error: segment {index} failed ({failure})");
            }

            Console.Error.WriteLine($"error: {failures.Count} of {job.Spec.Segments.Count} segments failed; not joined (rerun them with videostyler run-segment {job.Path} INDEX, then videostyler join {job.Path})");
            return 1;
        }

        var result = await JobJoiner.RunAsync(job, force: false, stop);
        JoinCommand.Report(result);
        return 0;
    }

    /// <summary>Runs one `run-segment` process; returns its exit code and its last line (the summary, or the error).</summary>
    private static async Task<(int Code, string Message)> RunWorkerAsync(ToolCommand tool, string jobPath, int index, CancellationToken stop)
    {
        var info = new ProcessStartInfo(tool.Words[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var word in tool.Words.Skip(1).Concat(["run-segment", jobPath, index.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            info.ArgumentList.Add(word);
        }

        using var process = Process.Start(info) ?? throw new UserFacingException($"could not start a worker ({tool.Words[0]})");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(stop);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C reached the workers too (same process group); give them a moment to clean up.
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
            }

            return (130, "interrupted");
        }

        var text = process.ExitCode == 0 ? await stdout : await stderr;
        var last = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        return (process.ExitCode, last.StartsWith("error: ", StringComparison.Ordinal) ? last["error: ".Length..] : last);
    }
}
