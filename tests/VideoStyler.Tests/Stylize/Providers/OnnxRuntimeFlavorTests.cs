using System.Security.Cryptography;
using System.Xml.Linq;
using VideoStyler.Stylize;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Stylize.Providers;

/// <summary>
/// The ONNX Runtime package flavour: the build output holds exactly one libonnxruntime.so, the flavour
/// package's own, and the build-time check (build/OnnxRuntimeFlavor.targets) refuses any other.
/// </summary>
public class OnnxRuntimeFlavorTests
{
    private static string TargetsFile => Path.Combine(TestPaths.RepoRoot, "build", "OnnxRuntimeFlavor.targets");

    /// <summary>The flavour package's linux-x64 libonnxruntime.so in the NuGet cache, at the version Directory.Packages.props pins.</summary>
    private static string PackageNative()
    {
        var props = XDocument.Load(Path.Combine(TestPaths.RepoRoot, "Directory.Packages.props"));
        var version = props.Descendants("PackageVersion").Single(e => (string?)e.Attribute("Include") == OrtBuild.NativePackage).Attribute("Version")!.Value;
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(cache, OrtBuild.NativePackage.ToLowerInvariant(), version, "runtimes", "linux-x64", "native", "libonnxruntime.so");
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static Task<ProcessResult> Check(string folder, string flavor, string expected) =>
        Support.Cli.RunProcessAsync(
            "dotnet",
            ["msbuild", TargetsFile, "-nologo", "-v:q", "-t:CheckOnnxRuntimeNatives", $"-p:OnnxRuntimeFlavor={flavor}", $"-p:OrtCheckDir={folder}", $"-p:OrtExpectedNative={expected}"],
            TimeSpan.FromMinutes(2));

    [Fact]
    public void The_output_holds_exactly_the_flavour_packages_libonnxruntime()
    {
        var found = Directory.GetFiles(AppContext.BaseDirectory, "libonnxruntime.so", SearchOption.AllDirectories)
            .Where(p => Path.GetDirectoryName(p) == AppContext.BaseDirectory.TrimEnd('/') || p.Contains("/runtimes/linux-x64/", StringComparison.Ordinal))
            .ToList();

        var only = Assert.Single(found);
        Assert.Equal(Hash(PackageNative()), Hash(only));
        var cudaProvider = Path.Combine(Path.GetDirectoryName(only)!, "libonnxruntime_providers_cuda.so");
        Assert.Equal(OrtBuild.IsGpuBuild, File.Exists(cudaProvider));
    }

    [Fact]
    public async Task The_build_check_accepts_the_flavour_file_and_refuses_another_a_second_or_a_stray_cuda_provider()
    {
        var expected = PackageNative();
        var native = Path.GetDirectoryName(expected)!;

        // The flavour's own file (and, for gpu, its CUDA provider beside it): accepted.
        using var goodTemp = new TempFolder();
        var good = goodTemp.Path;
        var goodNative = Directory.CreateDirectory(Path.Combine(good, "runtimes", "linux-x64", "native")).FullName;
        File.Copy(expected, Path.Combine(goodNative, "libonnxruntime.so"));
        File.WriteAllBytes(Path.Combine(goodNative, "libonnxruntime_providers_cuda.so"), []);
        var accepted = await Check(good, "gpu", expected);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());

        // Another library under that name (as another ONNX Runtime package would put there): refused.
        using var otherTemp = new TempFolder();
        var other = otherTemp.Path;
        var otherNative = Directory.CreateDirectory(Path.Combine(other, "runtimes", "linux-x64", "native")).FullName;
        File.Copy(Path.Combine(native, "libonnxruntime_providers_shared.so"), Path.Combine(otherNative, "libonnxruntime.so"));
        File.WriteAllBytes(Path.Combine(otherNative, "libonnxruntime_providers_cuda.so"), []);
        var wrong = await Check(other, "gpu", expected);
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("VSORT5", wrong.StdOut + wrong.StdErr);

        // Two of them (one beside the tool, one under runtimes/linux-x64): refused.
        File.Copy(expected, Path.Combine(good, "libonnxruntime.so"));
        var two = await Check(good, "gpu", expected);
        Assert.NotEqual(0, two.ExitCode);
        Assert.Contains("VSORT4", two.StdOut + two.StdErr);
        File.Delete(Path.Combine(good, "libonnxruntime.so"));

        // The CPU flavour with a CUDA provider library in its output: refused.
        var stray = await Check(good, "cpu", expected);
        Assert.NotEqual(0, stray.ExitCode);
        Assert.Contains("VSORT6", stray.StdOut + stray.StdErr);
    }
}
