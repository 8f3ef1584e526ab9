using VideoStyler.Stylize.Providers;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Stylize.Providers;

/// <summary>
/// The CUDA library probe on fake folder layouts: empty files named like the real libraries in a
/// temporary root. The probe must find and order them without loading anything (these files would not load).
/// </summary>
public class CudaLibraryProbeTests
{
    private static readonly string[] Cu13 = ["libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10", "libcufft.so.12", "libnvJitLink.so.13", "libnvrtc.so.13"];

    private static readonly string[] Cudnn =
    [
        "libcudnn.so.9", "libcudnn_graph.so.9", "libcudnn_ops.so.9", "libcudnn_cnn.so.9", "libcudnn_adv.so.9",
        "libcudnn_engines_precompiled.so.9", "libcudnn_engines_runtime_compiled.so.9", "libcudnn_heuristic.so.9",
    ];

    private static string Touch(string folder, params string[] files)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in files)
        {
            File.WriteAllBytes(Path.Combine(folder, file), []);
        }

        return folder;
    }

    private static CudaSearchEnvironment Env(string root, string? ld = null, string? venv = null, string? conda = null, string? home = null, string? path = null) =>
        new(root, ld, venv, conda, home, path);

    [Fact]
    public void Pip_wheels_in_the_system_python_and_the_driver_are_found_in_load_order()
    {
        using var temp = new TempFolder();
        var root = temp.Path;
        var cu13 = Touch(Path.Join(root, "usr/local/lib/python3.12/dist-packages/nvidia/cu13/lib"), Cu13);
        var cudnn = Touch(Path.Join(root, "usr/local/lib/python3.12/dist-packages/nvidia/cudnn/lib"), Cudnn);
        var system = Touch(Path.Join(root, "usr/lib/x86_64-linux-gnu"), "libcuda.so.1", "libc.so.6");

        var scan = CudaLibraryProbe.Find(Env(root));

        Assert.Empty(scan.MissingRequired);
        Assert.Equal(Path.Join(system, "libcuda.so.1"), scan.PathOf("libcuda.so.1"));
        Assert.Equal(Path.Join(cu13, "libcudart.so.13"), scan.PathOf("libcudart.so.13"));
        Assert.Equal(Path.Join(cudnn, "libcudnn_cnn.so.9"), scan.PathOf("libcudnn_cnn.so.9"));
        var order = scan.LoadOrder.Select(Path.GetFileName).ToList();
        Assert.Equal(Cu13.Length + Cudnn.Length + 1, order.Count);
        Assert.Equal("libcuda.so.1", order[0]);
        Assert.Equal("libcudart.so.13", order[1]);
        // Each library after the ones it links against.
        Assert.True(order.IndexOf("libcublasLt.so.13") < order.IndexOf("libcublas.so.13"));
        Assert.True(order.IndexOf("libnvJitLink.so.13") < order.IndexOf("libcufft.so.12"));
        Assert.True(order.IndexOf("libcudnn_graph.so.9") < order.IndexOf("libcudnn_ops.so.9"));
        Assert.True(order.IndexOf("libcudnn_ops.so.9") < order.IndexOf("libcudnn_cnn.so.9"));
        Assert.Equal("libcudnn.so.9", order[^1]);
        Assert.Equal([cu13, cudnn], scan.Folders.Take(2).Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    [Fact]
    public void Ld_library_path_comes_first_then_the_venv_then_user_and_system_pythons_then_toolkits()
    {
        using var temp = new TempFolder();
        var root = temp.Path;
        var ld = Touch(Path.Join(root, "custom/lib"), "libcublas.so.13");
        var venv = Path.Join(root, "venvs/gpu");
        var venvLib = Touch(Path.Join(venv, "lib/python3.11/site-packages/nvidia/cu13/lib"), "libcublas.so.13", "libcudart.so.13");
        var home = Path.Join(root, "home/me");
        var user = Touch(Path.Join(home, ".local/lib/python3.10/site-packages/nvidia/cudnn/lib"), "libcudnn.so.9", "libcudart.so.13");
        var system = Touch(Path.Join(root, "usr/local/lib/python3.12/dist-packages/nvidia/cudnn/lib"), "libcudnn.so.9", "libcurand.so.10");
        var toolkit = Touch(Path.Join(root, "usr/local/cuda-13.0/targets/x86_64-linux/lib"), "libcurand.so.10", "libcufft.so.12");

        var scan = CudaLibraryProbe.Find(Env(root, ld: ld + ":" + Path.Join(root, "does/not/exist"), venv: venv, home: home));

        Assert.Equal(Path.Join(ld, "libcublas.so.13"), scan.PathOf("libcublas.so.13"));
        Assert.Equal(Path.Join(venvLib, "libcudart.so.13"), scan.PathOf("libcudart.so.13"));
        Assert.Equal(Path.Join(user, "libcudnn.so.9"), scan.PathOf("libcudnn.so.9"));
        Assert.Equal(Path.Join(system, "libcurand.so.10"), scan.PathOf("libcurand.so.10"));
        Assert.Equal(Path.Join(toolkit, "libcufft.so.12"), scan.PathOf("libcufft.so.12"));
        Assert.Equal([ld, venvLib, user, system, toolkit], scan.Folders);
    }

    [Fact]
    public void Toolkits_plain_cuda_first_then_newest_version_and_lib64_before_targets()
    {
        using var temp = new TempFolder();
        var root = temp.Path;
        var old = Touch(Path.Join(root, "usr/local/cuda-13.0/lib64"), "libcudart.so.13", "libcublas.so.13");
        var newer = Touch(Path.Join(root, "usr/local/cuda-13.10/lib64"), "libcudart.so.13");
        var newerTargets = Touch(Path.Join(root, "usr/local/cuda-13.10/targets/x86_64-linux/lib"), "libcurand.so.10", "libcudart.so.13");
        var plain = Touch(Path.Join(root, "usr/local/cuda/lib64"), "libcublasLt.so.13");

        var scan = CudaLibraryProbe.Find(Env(root));

        Assert.Equal([plain, newer, newerTargets, old], scan.Folders);
        Assert.Equal(Path.Join(newer, "libcudart.so.13"), scan.PathOf("libcudart.so.13"));
        Assert.Equal(Path.Join(old, "libcublas.so.13"), scan.PathOf("libcublas.so.13"));
        Assert.Equal(Path.Join(newerTargets, "libcurand.so.10"), scan.PathOf("libcurand.so.10"));
    }

    [Fact]
    public void Conda_and_a_python_on_path_are_searched_and_what_is_missing_is_named()
    {
        using var temp = new TempFolder();
        var root = temp.Path;
        var conda = Path.Join(root, "conda/envs/gpu");
        var condaLib = Touch(Path.Join(conda, "lib"), "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13");
        var python = Path.Join(root, "opt/python");
        var wheels = Touch(Path.Join(python, "lib/python3.13/site-packages/nvidia/curand/lib"), "libcurand.so.10");
        Directory.CreateDirectory(Path.Join(python, "bin"));

        var scan = CudaLibraryProbe.Find(Env(root, conda: conda, path: Path.Join(python, "bin") + ":/nonexistent/bin"));

        Assert.Equal(Path.Join(condaLib, "libcudart.so.13"), scan.PathOf("libcudart.so.13"));
        Assert.Equal(Path.Join(wheels, "libcurand.so.10"), scan.PathOf("libcurand.so.10"));
        var missing = scan.MissingRequired.Select(l => l.FileName).ToList();
        Assert.Contains("libcuda.so.1", missing, StringComparer.Ordinal);
        Assert.Contains("libcudnn.so.9", missing, StringComparer.Ordinal);
        Assert.Contains("libcudnn_cnn.so.9", missing, StringComparer.Ordinal);
        Assert.DoesNotContain("libcufft.so.12", missing, StringComparer.Ordinal); // optional: FFT operators only
        Assert.DoesNotContain("libcudart.so.13", missing, StringComparer.Ordinal);
        Assert.All(scan.Folders, f => Assert.StartsWith(root, f));
    }

    [Fact]
    public void An_empty_root_finds_nothing_and_searches_no_folder()
    {
        using var temp = new TempFolder();
        var root = temp.Path;

        var scan = CudaLibraryProbe.Find(Env(root, ld: "", home: Path.Join(root, "nobody")));

        Assert.Empty(scan.Folders);
        Assert.Empty(scan.LoadOrder);
        Assert.Equal(CudaLibraries.All.Count(l => l.Required), scan.MissingRequired.Count());
    }
}
