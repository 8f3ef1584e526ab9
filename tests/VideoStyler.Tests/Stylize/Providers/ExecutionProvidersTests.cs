using VideoStyler.Stylize;
using VideoStyler.Stylize.Providers;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Stylize.Providers;

/// <summary>Provider selection: auto, cpu, and cuda when CUDA is not usable (one line, exit 1).</summary>
public class ExecutionProvidersTests
{
    private static IReadOnlyList<ProviderStatus> Providers(bool cuda) =>
    [
        new(ExecutionDevice.Cuda, ExecutionProviders.Cuda, cuda, cuda ? "NVIDIA H200, driver CUDA 13.0" : "no NVIDIA driver (libcuda.so.1 not found)"),
        new(ExecutionDevice.TensorRt, ExecutionProviders.TensorRt, false, "not found: libnvinfer.so.10"),
        new(ExecutionDevice.Cpu, ExecutionProviders.Cpu, true, "2 cores"),
    ];

    [Fact]
    public void Auto_takes_cuda_when_usable_and_the_cpu_otherwise_with_one_notice_line()
    {
        var gpu = ExecutionProviders.Choose(ExecutionDevice.Auto, Providers(cuda: true));
        var cpu = ExecutionProviders.Choose(ExecutionDevice.Auto, Providers(cuda: false));

        Assert.Equal((ExecutionDevice.Cuda, ExecutionProviders.Cuda), (gpu.Device, gpu.Name));
        Assert.Equal("running on CUDA (NVIDIA H200, driver CUDA 13.0)", gpu.Notice);
        Assert.Equal((ExecutionDevice.Cpu, ExecutionProviders.Cpu), (cpu.Device, cpu.Name));
        Assert.Equal("CUDA not available (no NVIDIA driver (libcuda.so.1 not found)); running on CPU", cpu.Notice);
    }

    [Fact]
    public void Cpu_is_the_cpu_without_a_notice_and_cuda_when_not_usable_is_an_error()
    {
        var cpu = ExecutionProviders.Choose(ExecutionDevice.Cpu, Providers(cuda: true));
        Assert.Equal((ExecutionDevice.Cpu, (string?)null), (cpu.Device, cpu.Notice));

        var cuda = ExecutionProviders.Choose(ExecutionDevice.Cuda, Providers(cuda: true));
        Assert.Equal((ExecutionDevice.Cuda, (string?)null), (cuda.Device, cuda.Notice));

        var error = Assert.Throws<UserFacingException>(() => ExecutionProviders.Choose(ExecutionDevice.Cuda, Providers(cuda: false)));
        Assert.Equal(1, error.ExitCode);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("libcuda.so.1 not found", error.Message);
        Assert.Throws<UserFacingException>(() => ExecutionProviders.Choose(ExecutionDevice.TensorRt, Providers(cuda: true)));
    }

    [Fact]
    public async Task Device_cuda_on_a_machine_without_cuda_is_one_line_and_exit_1_and_writes_nothing()
    {
        using var temp = new TempFolder();
        var dir = temp.Path;
        var output = Path.Combine(dir, "out.mp4");

        var run = await Support.Cli.RunAsync("stylize", TestPaths.SharedData("help.mkv"), "-o", output, "--device", "cuda", "--size", "64");

        if (CudaRuntime.Status.Usable)
        {
            // A GPU machine: cuda is taken, not refused.
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains(ExecutionProviders.Cuda, run.StdOut);
            return;
        }

        Assert.Equal(1, run.ExitCode);
        CliAssert.OneLineError(run, "CUDAExecutionProvider is not usable here: ");
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public async Task Devices_lists_every_provider_with_usable_or_the_reason()
    {
        var run = await Support.Cli.RunAsync("devices");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"(?m)^CPUExecutionProvider\s+usable: ", run.StdOut);
        var cuda = CudaRuntime.Status;
        if (cuda.Usable)
        {
            Assert.Matches(@"(?m)^CUDAExecutionProvider\s+usable: ", run.StdOut);
        }
        else
        {
            Assert.Contains($"CUDAExecutionProvider      not usable: {cuda.Reason}", run.StdOut);
        }

        Assert.Matches(@"(?m)^  libcudnn\.so\.9\s+", run.StdOut);
        Assert.Contains("folders searched", run.StdOut);
    }
}
