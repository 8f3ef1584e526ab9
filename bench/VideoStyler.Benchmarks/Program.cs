using BenchmarkDotNet.Running;

namespace VideoStyler.Benchmarks;

/// <summary>
/// Micro-benchmarks of the per-frame CPU stages that are not the model itself.
/// Run: dotnet run -c Release --project bench/VideoStyler.Benchmarks -- --filter '*'
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
