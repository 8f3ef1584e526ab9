using Microsoft.ML.OnnxRuntime;
using Google.Protobuf;
using VideoStyler.Models;
using VideoStyler.Models.Onnx;
using VideoStyler.Models.Onnx.Proto;
using VideoStyler.Stylize.Providers;
using VideoStyler.Frames;

namespace VideoStyler.Stylize;

/// <summary>
/// A loaded style: one ONNX Runtime session (created once), the convention it wants and the execution
/// provider that runs it. Frame-size specific buffers live in <see cref="OnnxStylizer"/>.
/// </summary>
internal sealed class StyleSession : IDisposable
{
    /// <summary>
    /// One CPU memory arena for all model variants (<see cref="CreateSession"/>), registered once with
    /// the process's ONNX Runtime environment; false if it could not be.
    /// </summary>
    private static readonly Lazy<bool> VariantArena = new(() =>
    {
        try
        {
            using var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCPU, OrtAllocatorType.ArenaAllocator, 0, OrtMemType.Default);
            using var arena = new OrtArenaCfg(0, -1, -1, -1); // ONNX Runtime's defaults
            OrtEnv.Instance().CreateAndRegisterAllocator(memory, arena);
            return true;
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
    });

    private readonly byte[] _modelBytes;
    private readonly ExecutionDevice _device;
    private readonly int _intraOpThreads;
    private float[]? _styleVector;

    private StyleSession(
        InferenceSession session, ModelConvention convention, string name, string provider, string? notice,
        byte[] modelBytes, ExecutionDevice device, int intraOpThreads)
    {
        _modelBytes = modelBytes;
        _device = device;
        _intraOpThreads = intraOpThreads;
        Session = session;
        Convention = convention;
        Name = name;
        ExecutionProvider = provider;
        Notice = notice;
    }

    public InferenceSession Session { get; }

    public ModelConvention Convention { get; }

    public string Name { get; }

    /// <summary>"CUDAExecutionProvider", "TensorrtExecutionProvider" or "CPUExecutionProvider".</summary>
    public string ExecutionProvider { get; }

    /// <summary>One line for the user about the provider choice (e.g. the CPU fallback), or null.</summary>
    public string? Notice { get; }

    /// <summary>
    /// The second input of an arbitrary-style model (Magenta's transformer): a float [1,1,1,N] style
    /// vector, or null for an ordinary one-input style model.
    /// </summary>
    public string? StyleVectorInputName { get; private set; }

    /// <summary>
    /// The style vector as a tensor over pinned memory: every <see cref="OnnxStylizer"/> of this
    /// session binds it once, and <see cref="SetStyleVector"/> rewrites its values in place (ONNX
    /// Runtime reads them at each run, so a new style costs no rebinding and no reload).
    /// </summary>
    public OrtValue? StyleVectorValue { get; private set; }

    /// <summary>N of the style vector input, 0 when there is none.</summary>
    public int StyleVectorLength => _styleVector?.Length ?? 0;

    /// <summary>Sets the style vector the next runs use; call it between runs, not during one.</summary>
    public void SetStyleVector(ReadOnlySpan<float> vector)
    {
        if (_styleVector is null)
        {
            throw new InvalidOperationException($"style '{Name}' takes no style vector");
        }

        if (vector.Length != _styleVector.Length)
        {
            throw new UserFacingException($"a style vector for '{Name}' needs {_styleVector.Length} numbers, not {vector.Length}");
        }

        vector.CopyTo(_styleVector);
    }

    private void FindStyleVectorInput()
    {
        foreach (var (name, node) in Session.InputMetadata)
        {
            if (name != Convention.InputName && node.IsTensor && node.ElementType == typeof(float)
                && node.Dimensions is [1, 1, 1, > 0] or [1, > 0, 1, 1] or [1, > 0])
            {
                var length = node.Dimensions.Max();
                _styleVector = GC.AllocateArray<float>(length, pinned: true);
                StyleVectorInputName = name;
                StyleVectorValue = OrtValue.CreateTensorValueFromMemory(
                    OrtMemoryInfo.DefaultInstance, _styleVector.AsMemory(), [.. node.Dimensions.Select(d => (long)d)]);
                return;
            }
        }
    }

    public static StyleSession Load(StyleSource source, ExecutionDevice device, int intraOpThreads = 0)
    {
        var (options, provider, notice) = CreateOptions(device, intraOpThreads);
        var (modelBytes, rewrite) = PrepareModel(source);
        InferenceSession session;
        try
        {
            // The intra-op pool's threads start here and take this thread's name (bench's CPU table).
            using (ThreadLabel.Push(ThreadLabel.OrtPool))
            {
                session = new InferenceSession(modelBytes, options);
            }
        }
        catch (OnnxRuntimeException ex)
        {
            options.Dispose();
            throw new UserFacingException(provider == ExecutionProviders.Cpu
                ? $"style '{source.Name}' ({source.Origin}) is not a model ONNX Runtime can load: {FirstLine(ex.Message)}"
                : $"style '{source.Name}' ({source.Origin}) did not start on {provider}: {FirstLine(ex.Message)} (--device cpu runs it on the CPU)");
        }

        options.Dispose();
        try
        {
            var convention = ConventionDetector.Detect(session, source.Manifest, $"style '{source.Name}' ({source.Origin})");
            if (rewrite is { Succeeded: true, Changed: true })
            {
                convention = convention with
                {
                    SizeMultiple = Math.Max(convention.SizeMultiple, rewrite.SizeMultiple),
                    Notes = [.. convention.Notes, $"fixed {rewrite.NativeWidth}x{rewrite.NativeHeight} dims made free: {string.Join("; ", rewrite.Changes)}"],
                };
            }
            else if (rewrite is { Succeeded: false })
            {
                convention = convention with { Notes = [.. convention.Notes, $"fixed dims kept ({rewrite.FailureReason}): frames are letterboxed"] };
            }

            var loaded = new StyleSession(session, convention, source.Name, provider, notice, modelBytes, device, intraOpThreads);
            loaded.FindStyleVectorInput();
            return loaded;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The model as <see cref="Session"/> runs it (fixed dims already made free), or null if it does not parse.</summary>
    public ModelProto? ParseModel()
    {
        try
        {
            return ModelProto.Parser.ParseFrom(_modelBytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>
    /// Another session, on a variant of this style's model, with the same device and threads. Variants
    /// take turns on the same tile (<see cref="SharedInstanceNorm"/>), so they share one CPU memory
    /// arena and plan no memory pattern, instead of each holding its own high-water mark. Measured with
    /// candy's two variants on 1040x1080 tiles (2 cores): 1.2 GB peak RSS and 4.6 s per frame; own
    /// arenas and patterns: 2.6 GB, 4.4 s; no arena at all: 1.15 GB, 6.8 s.
    /// </summary>
    public InferenceSession CreateSession(ModelProto model)
    {
        var (options, _, _) = CreateOptions(_device, _intraOpThreads);
        using (options)
        {
            options.EnableMemoryPattern = false;
            if (VariantArena.Value)
            {
                options.AddSessionConfigEntry("session.use_env_allocators", "1");
            }
            else
            {
                options.EnableCpuMemArena = false;
            }

            using (ThreadLabel.Push(ThreadLabel.OrtPool))
            {
                return new InferenceSession(model.ToByteArray(), options);
            }
        }
    }

    /// <summary>
    /// Reads the model and, when its spatial dims are fixed but the graph is fully convolutional, makes
    /// them free (<see cref="FixedDimsRewriter"/>), so frames run at their own processing size instead
    /// of being letterboxed into e.g. 720x720. Output dims are still checked on every run: the
    /// preallocated output tensor must match the input's size.
    /// </summary>
    private static (byte[] Bytes, RewriteResult? Rewrite) PrepareModel(StyleSource source)
    {
        byte[] bytes;
        try
        {
            bytes = source.ModelBytes ?? File.ReadAllBytes(source.ModelPath!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot read style model {source.Origin}: {ex.Message}");
        }

        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return (bytes, null); // ONNX Runtime gives the user the precise error.
        }

        // The rewriter knows NCHW graphs (channels in dim 1); others keep their fixed dims and are
        // letterboxed (an NHWC model's dims 2 and 3 are width and channels, not height and width).
        var input = model.Graph?.Input.FirstOrDefault();
        var dims = input?.Type?.TensorType?.Shape?.Dim;
        if (dims is not { Count: 4 } || dims[1].DimValue != 3)
        {
            return (bytes, null);
        }

        var rewrite = FixedDimsRewriter.TryMakeSpatialDimsSymbolic(model);
        return rewrite is { Succeeded: true, Changed: true } ? (model.ToByteArray(), rewrite) : (bytes, rewrite);
    }

    /// <summary>
    /// Whether ONNX Runtime's intra-op threads spin (busy-wait) for work between and inside runs. Off by
    /// default: on 2 cores a spinning pool thread takes the core the other stages (decode, temporal,
    /// encode, pre/post-processing) need, measured by `bench`'s CPU table. VIDEOSTYLER_ORT_SPINNING=1
    /// turns it back on (ONNX Runtime's own default), for comparisons.
    /// </summary>
    public static bool AllowSpinning { get; set; } = Environment.GetEnvironmentVariable("VIDEOSTYLER_ORT_SPINNING") == "1";

    private static (SessionOptions Options, string Provider, string? Notice) CreateOptions(ExecutionDevice device, int intraOpThreads)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // Intra-op threads = cores: the model is ~99% of the work on a CPU; the other stages are
            // light and run between inference calls (measured by `bench`).
            IntraOpNumThreads = intraOpThreads > 0 ? intraOpThreads : Environment.ProcessorCount,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", AllowSpinning ? "1" : "0");

        // Which provider (CUDA's libraries are found and preloaded here, once); an explicit device
        // that is not usable is a one-line error, auto falls back to the CPU with a notice.
        ProviderChoice choice;
        try
        {
            choice = ExecutionProviders.Choose(device);
        }
        catch
        {
            options.Dispose();
            throw;
        }

        if (choice.Device == ExecutionDevice.Cpu)
        {
            return (options, ExecutionProviders.Cpu, choice.Notice);
        }

        try
        {
            if (choice.Device == ExecutionDevice.TensorRt)
            {
                options.AppendExecutionProvider_Tensorrt(0);
            }

            // Through OrtCUDAProviderOptions: its failure names the library that did not load.
            using var cuda = new OrtCUDAProviderOptions();
            cuda.UpdateOptions(new Dictionary<string, string>(StringComparer.Ordinal) { ["device_id"] = "0" });
            options.AppendExecutionProvider_CUDA(cuda);
            return (options, choice.Name, choice.Notice);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            if (device == ExecutionDevice.Auto)
            {
                return (options, ExecutionProviders.Cpu, $"CUDA not available ({FirstLine(ex.Message)}); running on CPU");
            }

            options.Dispose();
            throw new UserFacingException($"--device {device.ToString().ToLowerInvariant()}: {choice.Name} did not start: {FirstLine(ex.Message)} (see `videostyler devices`)");
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? text;
        return line.Length > 300 ? line[..300] + "..." : line;
    }

    public void Dispose()
    {
        StyleVectorValue?.Dispose();
        Session.Dispose();
    }
}
