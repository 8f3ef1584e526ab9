using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace VideoStyler.Benchmarks;

/// <summary>
/// A short job for a small, noisy machine: one process per case, 3 warmups and 8 measured iterations
/// of the default length (about 0.5 s). The whole suite takes 2-4 minutes on 2 cores. Enough to compare
/// stages and to see allocations per frame; not for telling 5% regressions from noise.
/// </summary>
public sealed class ShortRunConfig : ManualConfig
{
    public ShortRunConfig()
    {
        AddJob(Job.Default
            .WithId("Short")
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(8));
    }
}
