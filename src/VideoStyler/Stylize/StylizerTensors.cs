using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace VideoStyler.Stylize;

/// <summary>
/// The input and output tensors of one stylizer and how they are bound (<see cref="TensorBindingMode"/>).
/// Pre-processing writes <see cref="Input"/> after <see cref="NextInput"/>; each run calls
/// <see cref="BindForRun"/> on its binding first; post-processing reads <see cref="Output"/>.
/// Everything is allocated once.
/// </summary>
internal sealed class StylizerTensors : IDisposable
{
    private readonly OrtValue[] _inputs;  // one (zero-copy) or two staging buffers (rebind), alternating per frame
    private readonly OrtValue _output;
    private readonly OrtAllocator? _allocator;
    private readonly OrtMemoryInfo? _memory;
    private readonly bool _device;        // the session runs on a device provider
    private readonly IntPtr[] _inputData;  // host addresses of _inputs, read once: a frame costs no allocation
    private readonly IntPtr _outputData;
    private readonly int _count;
    private readonly List<(string Name, OrtValue Value)> _hostInputs = [];
    private int _current;

    private StylizerTensors(TensorBindingMode mode, OrtValue[] inputs, OrtValue output, OrtAllocator? allocator, OrtMemoryInfo? memory, bool device)
    {
        _device = device;
        Mode = mode;
        _inputs = inputs;
        _output = output;
        _allocator = allocator;
        _memory = memory;
        _count = (int)output.GetTensorTypeAndShape().ElementCount;
        _inputData = [.. inputs.Select(Address)];
        _outputData = Address(output);
    }

    public TensorBindingMode Mode { get; }

    /// <summary>The binding mode a session on <paramref name="provider"/> needs.</summary>
    public static TensorBindingMode ModeFor(string provider) =>
        provider == Providers.ExecutionProviders.Cpu ? TensorBindingMode.ZeroCopy : TensorBindingMode.Rebind;

    /// <summary>
    /// Tensors of <paramref name="shape"/> for <paramref name="session"/>. Rebind staging memory is
    /// CUDA-pinned host memory from the session's allocator on CUDA and TensorRT, plain host memory on
    /// the CPU provider (where the rebinding logic is tested).
    /// </summary>
    public static StylizerTensors Create(InferenceSession session, string provider, long[] shape, TensorBindingMode mode)
    {
        var count = (int)shape.Aggregate(1L, (a, b) => a * b);
        if (mode == TensorBindingMode.ZeroCopy)
        {
            return new StylizerTensors(mode, [Pinned(count, shape)], Pinned(count, shape), null, null, device: false);
        }

        if (provider == Providers.ExecutionProviders.Cpu)
        {
            var host = OrtAllocator.DefaultInstance;
            return new StylizerTensors(mode, [Allocate(host, shape), Allocate(host, shape)], Allocate(host, shape), null, null, device: false);
        }

        // CUDA-pinned staging memory from the session's allocator; if the provider offers none under
        // these descriptions, plain host memory (the same rebinding, with pageable copies).
        foreach (var memType in new[] { OrtMemType.CpuOutput, OrtMemType.Default })
        {
            var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA_PINNED, OrtAllocatorType.DeviceAllocator, 0, memType);
            OrtAllocator? allocator = null;
            try
            {
                allocator = new OrtAllocator(session, memory);
                return new StylizerTensors(mode, [Allocate(allocator, shape), Allocate(allocator, shape)], Allocate(allocator, shape), allocator, memory, device: true);
            }
            catch (OnnxRuntimeException)
            {
                allocator?.Dispose();
                memory.Dispose();
            }
        }

        var fallback = OrtAllocator.DefaultInstance;
        return new StylizerTensors(mode, [Allocate(fallback, shape), Allocate(fallback, shape)], Allocate(fallback, shape), null, null, device: true);
    }

    /// <summary>Whether the staging memory is CUDA-pinned (false: plain host memory).</summary>
    public bool IsPinnedStaging => _memory is not null;

    /// <summary>The input tensor the next run reads (the one the last <see cref="NextInput"/> chose).</summary>
    public OrtValue InputValue => _inputs[_current];

    public OrtValue OutputValue => _output;

    /// <summary>Host memory of <see cref="InputValue"/>, to fill.</summary>
    public unsafe Span<float> Input => new((void*)_inputData[_current], _count);

    /// <summary>Host memory of the output, valid after a run.</summary>
    public unsafe ReadOnlySpan<float> Output => new((void*)_outputData, _count);

    /// <summary>Before pre-processing a new frame: in rebind mode the other staging buffer becomes the input.</summary>
    public void NextInput()
    {
        if (Mode == TensorBindingMode.Rebind)
        {
            _current ^= 1;
        }
    }

    /// <summary>
    /// Another input in host memory that the caller changes in place between runs (e.g. a style vector):
    /// bound once on the CPU, again before every run on a device provider. Add before <see cref="BindOnce"/>.
    /// </summary>
    public void AddHostInput(string name, OrtValue value) => _hostInputs.Add((name, value));

    /// <summary>Binds inputs and output once (zero-copy), or the output once (rebind); call after creating a binding.</summary>
    public void BindOnce(OrtIoBinding binding, string input, string output)
    {
        binding.BindOutput(output, _output);
        if (Mode == TensorBindingMode.ZeroCopy)
        {
            binding.BindInput(input, _inputs[0]);
            foreach (var (name, value) in _hostInputs)
            {
                binding.BindInput(name, value);
            }
        }
    }

    /// <summary>Before every run: in rebind mode binds the current input (and the other host inputs) again: ONNX Runtime copies them to the device now.</summary>
    public void BindForRun(OrtIoBinding binding, string input)
    {
        if (Mode == TensorBindingMode.Rebind)
        {
            binding.BindInput(input, _inputs[_current]);
            foreach (var (name, value) in _hostInputs)
            {
                binding.BindInput(name, value);
            }
        }
    }

    /// <summary>After a run: on a device provider waits until the output is in host memory.</summary>
    public void AfterRun(OrtIoBinding binding)
    {
        if (_device)
        {
            binding.SynchronizeBoundOutputs();
        }
    }

    private static unsafe IntPtr Address(OrtValue value) =>
        (IntPtr)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(value.GetTensorMutableDataAsSpan<float>()));

    private static OrtValue Pinned(int count, long[] shape)
    {
        var array = GC.AllocateArray<float>(count, pinned: true);
        return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, array.AsMemory(), shape);
    }

    private static OrtValue Allocate(OrtAllocator allocator, long[] shape) =>
        OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Float, shape);

    public void Dispose()
    {
        foreach (var input in _inputs)
        {
            input.Dispose();
        }

        _output.Dispose();
        _allocator?.Dispose();
        _memory?.Dispose();
    }
}
