namespace VideoStyler.ScaleOut;

/// <summary>
/// `plan --emit slurm`: an sbatch array script (one task per segment, requeueable), the join's batch
/// script, and submit.sh, which submits the array and the join with --dependency=afterok on it.
/// </summary>
internal static class SlurmScripts
{
    /// <summary>A task whose worker died (killed, node trouble) requeues itself this many times.</summary>
    public const int MaxRequeues = 3;

    /// <param name="job">The job folder the scripts are written into (its slurm/ folder).</param>
    /// <param name="tool">How the scripts start this tool.</param>
    /// <param name="partition">The Slurm partition, or null for the cluster's default.</param>
    /// <param name="maxRunning">At most this many tasks at once (the array's %N throttle); null for no limit.</param>
    public static IReadOnlyList<string> Write(JobFolder job, ToolCommand tool, string? partition, int? maxRunning = null)
    {
        var folder = Path.Combine(job.Path, "slurm");
        Directory.CreateDirectory(folder);
        var jobDir = ToolCommand.Quote(job.Path);
        var logs = job.LogsFolder;
        var last = job.Spec.Segments.Count - 1;
        var partitionLine = partition is null ? "" : $"#SBATCH --partition={partition}\n";
        var throttle = maxRunning is { } most ? $"%{most}" : "";
        var segments = $$"""
            #!/bin/bash
            # One Slurm array task per segment of the VideoStyler job in {{job.Path}}.
            #SBATCH --job-name=videostyler-segments
            #SBATCH --array=0-{{last}}{{throttle}}
            #SBATCH --requeue
            #SBATCH --ntasks=1
            #SBATCH --output={{logs}}/segment-%a.log
            #SBATCH --open-mode=append
            {{partitionLine}}set -u
            if [ -n "${VIDEOSTYLER:-}" ]; then tool=($VIDEOSTYLER); else tool=({{tool.ShellWords}}); fi
            echo "segment ${SLURM_ARRAY_TASK_ID} on $(hostname), attempt $(( ${SLURM_RESTART_COUNT:-0} + 1 ))"
            "${tool[@]}" run-segment {{jobDir}} "${SLURM_ARRAY_TASK_ID}"
            rc=$?
            # 0 done, 2 bad command line, 3 damaged input: retrying would not help; 130: stopped on purpose
            # (scancel). Anything else (the worker was killed, ran out of memory, crashed) goes back into
            # the queue, a few times.
            case "$rc" in 0|2|3|130) retry=0 ;; *) retry=1 ;; esac
            if [ "$retry" -eq 1 ] && [ "${SLURM_RESTART_COUNT:-0}" -lt {{MaxRequeues}} ]; then
              echo "segment ${SLURM_ARRAY_TASK_ID}: worker exited with $rc; requeueing"
              scontrol requeue "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
              sleep 30
            fi
            exit "$rc"

            """;
        var join = $$"""
            #!/bin/bash
            # Joins the segments of the VideoStyler job in {{job.Path}} (submitted with --dependency=afterok on the array).
            #SBATCH --job-name=videostyler-join
            #SBATCH --ntasks=1
            #SBATCH --output={{logs}}/join.log
            {{partitionLine}}set -u
            if [ -n "${VIDEOSTYLER:-}" ]; then tool=($VIDEOSTYLER); else tool=({{tool.ShellWords}}); fi
            exec "${tool[@]}" join {{jobDir}}

            """;
        var submit = $$"""
            #!/bin/bash
            # Submits the segment array, then the join, which starts once every segment succeeded.
            # Prints the two job ids. Extra arguments go to both sbatch calls (e.g. --partition=gpu).
            set -euo pipefail
            here="$(cd "$(dirname "$0")" && pwd)"
            array=$(sbatch --parsable "$@" "$here/segments.sbatch")
            array=${array%%;*}
            join=$(sbatch --parsable --dependency=afterok:$array --kill-on-invalid-dep=yes "$@" "$here/join.sbatch")
            join=${join%%;*}
            echo "$array $join"

            """;
        var paths = new[] { Path.Combine(folder, "segments.sbatch"), Path.Combine(folder, "join.sbatch"), Path.Combine(folder, "submit.sh") };
        File.WriteAllText(paths[0], segments.ReplaceLineEndings("\n"));
        File.WriteAllText(paths[1], join.ReplaceLineEndings("\n"));
        File.WriteAllText(paths[2], submit.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
        {
            foreach (var path in paths)
            {
                File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("755", 8));
            }
        }

        return paths;
    }
}
