using System.Reflection;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using VideoStyler.Models.Onnx;
using VideoStyler.Models.Onnx.Proto;

namespace VideoStyler.Quality;

/// <summary>
/// The ImageNet ResNet18 of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (MIT; restore
/// puts it in the NuGet cache, it is not part of this repository), cut after its last residual stage with
/// five inner activations as outputs (<see cref="Layers"/>) and its spatial dims made free
/// (<see cref="FeatureTapRewriter"/>). The rewritten graph is written once to the user cache folder
/// ($XDG_CACHE_HOME or ~/.cache, videostyler/) and loaded from there afterwards.
/// <para>
/// Preprocessing, as the package's own ResNetPreprocess.onnx does it: BGR channel order, values 0..255, minus
/// the mean. The package subtracts a 224x224 mean image; at other sizes this class subtracts that image's
/// per-channel average, read from ResNetPreprocess.onnx (B 103.06, G 115.90, R 123.15). A picture is scaled
/// (area) to a short side of <see cref="ShortSide"/> pixels, both sides rounded to a multiple of 32 (the
/// network's total stride): 640x480 runs at 288x224.
/// </para>
/// </summary>
internal sealed class FeatureNetwork : IDisposable
{
    /// <summary>The short side pictures are scaled to: the size the network was trained at.</summary>
    public const int ShortSide = 224;

    private const string PackageId = "microsoft.ml.dnnimagefeaturizer.resnet18";
    private const string PackageVersion = "0.23.1";
    private const string ModelRelativePath = "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx";
    private const string PreprocessRelativePath = "tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx";
    private const string CacheVersion = "v1";

    private static readonly FeatureLayer[] LayerTable =
    [
        new("ReLU253_Output_0", "conv1", 64, 2),
        new("ReLU283_Output_0", "layer1", 64, 4),
        new("ReLU315_Output_0", "layer2", 128, 8),
        new("ReLU347_Output_0", "layer3", 256, 16),
        new("ReLU393_Output_0", "layer4", 512, 32),
    ];

    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _mean;
    private readonly Mat _resized = new();

    private FeatureNetwork(InferenceSession session, string inputName, float[] mean)
    {
        _session = session;
        _inputName = inputName;
        _mean = mean;
    }

    /// <summary>The tapped activations, shallow to deep.</summary>
    public static IReadOnlyList<FeatureLayer> Layers => LayerTable;

    /// <summary>The layer content distances are measured at (layer2: 128 channels at 1/8 size).</summary>
    public const int ContentLayer = 2;

    /// <summary>The per-channel mean subtracted (B, G, R), from the package's mean image.</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>Loads the network (rewriting and caching it on first use); a clear error when the package is missing.</summary>
    public static FeatureNetwork Load(int intraOpThreads = 0)
    {
        var root = PackageRoot()
            ?? throw new UserFacingException(
                $"the ResNet18 feature network is missing: run `dotnet restore` (it comes with the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 {PackageVersion})");
        var mean = ReadMean(Path.Combine(root, PreprocessRelativePath));
        var sourcePath = Path.Combine(root, ModelRelativePath);
        var (modelPath, modelBytes) = CachedModel(sourcePath);
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads > 0 ? intraOpThreads : Environment.ProcessorCount,
        };
        try
        {
            var session = modelBytes is null ? new InferenceSession(modelPath, options) : new InferenceSession(modelBytes, options);
            return new FeatureNetwork(session, session.InputNames[0], mean);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new UserFacingException($"the ResNet18 feature network ({modelPath}) does not load: {ex.Message.Split('\n')[0]}");
        }
        finally
        {
            options.Dispose();
        }
    }

    /// <summary>The processing size for a picture: short side <see cref="ShortSide"/>, both sides multiples of 32.</summary>
    public static (int Width, int Height) ProcessingSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var scale = (double)ShortSide / Math.Min(width, height);
        static int Round32(double length) => Math.Max(32, (int)Math.Round(length / 32) * 32);
        return (Round32(width * scale), Round32(height * scale));
    }

    /// <summary>Runs the network on a BGR 8UC3 picture and returns its features (the caller disposes them).</summary>
    public FeatureSet Extract(Mat bgr)
    {
        if (bgr.Empty() || bgr.Type() != MatType.CV_8UC3)
        {
            throw new ArgumentException("expected an 8-bit BGR picture", nameof(bgr));
        }

        var (width, height) = ProcessingSize(bgr.Cols, bgr.Rows);
        Cv2.Resize(bgr, _resized, new Size(width, height), 0, 0, width < bgr.Cols ? InterpolationFlags.Area : InterpolationFlags.Linear);
        Cv2.Split(_resized, out var planes);
        var plane = width * height;
        var tensor = GC.AllocateArray<float>(3 * plane, pinned: true);
        try
        {
            for (var c = 0; c < 3; c++)
            {
                // Straight into the tensor's plane c (a header over the pinned array): value - mean of that channel.
                using var target = Mat.FromPixelData(height, width, MatType.CV_32FC1, PlaneAddress(tensor, c * plane));
                planes[c].ConvertTo(target, MatType.CV_32FC1, 1, -_mean[c]);
            }
        }
        finally
        {
            foreach (var p in planes)
            {
                p.Dispose();
            }
        }

        using var input = OrtValue.CreateTensorValueFromMemory(tensor, [1, 3, height, width]);
        using var outputs = _session.Run(_runOptions, [_inputName], [input], LayerTable.Select(l => l.Name).ToArray());
        var maps = new Mat[LayerTable.Length];
        try
        {
            for (var i = 0; i < LayerTable.Length; i++)
            {
                var shape = outputs[i].GetTensorTypeAndShape().Shape;
                var channels = (int)shape[1];
                var positions = (int)(shape[2] * shape[3]);
                var map = new Mat(channels, positions, MatType.CV_32FC1);
                maps[i] = map;
                unsafe
                {
                    outputs[i].GetTensorDataAsSpan<float>().CopyTo(new Span<float>((void*)map.Data, channels * positions));
                }
            }

            return new FeatureSet(maps);
        }
        catch
        {
            foreach (var map in maps)
            {
                map?.Dispose();
            }

            throw;
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
        _resized.Dispose();
    }

    private static unsafe IntPtr PlaneAddress(float[] pinned, int offset) =>
        (IntPtr)System.Runtime.CompilerServices.Unsafe.AsPointer(ref pinned[offset]);

    /// <summary>
    /// The package folder: where this build restored it (baked in at build time), else the NuGet cache
    /// ($NUGET_PACKAGES or ~/.nuget/packages); null when neither holds the model.
    /// </summary>
    internal static string? PackageRoot()
    {
        var baked = typeof(FeatureNetwork).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ResNet18PackageRoot")?.Value;
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string?[] candidates = [baked, Path.Combine(cache, PackageId, PackageVersion)];
        return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(Path.Combine(c, ModelRelativePath)));
    }

    /// <summary>The per-channel average of the package's 224x224 mean image (B, G, R).</summary>
    internal static float[] ReadMean(string preprocessPath)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(preprocessPath));
        var image = model.Graph.Initializer.FirstOrDefault(t => t.Name == "MeanImage" && t.Dims.Count == 4 && t.Dims[1] == 3)
            ?? throw new UserFacingException($"{preprocessPath} holds no 3-channel MeanImage");
        var values = image.FloatData.Count > 0
            ? image.FloatData.ToArray()
            : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(image.RawData.Span).ToArray();
        var plane = values.Length / 3;
        var mean = new float[3];
        for (var c = 0; c < 3; c++)
        {
            double sum = 0;
            for (var i = 0; i < plane; i++)
            {
                sum += values[(c * plane) + i];
            }

            mean[c] = (float)(sum / plane);
        }

        return mean;
    }

    /// <summary>
    /// The rewritten model's path in the user cache, writing it first if it is not there yet; when the cache
    /// cannot be written (a read-only home), the rewritten bytes to load from memory instead.
    /// </summary>
    private static (string Path, byte[]? Bytes) CachedModel(string sourcePath)
    {
        var source = new FileInfo(sourcePath);
        var cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var folder = Path.Combine(cacheHome, "videostyler");
        var path = Path.Combine(folder, $"resnet18-features-{CacheVersion}-{source.Length}.onnx");
        if (File.Exists(path))
        {
            return (path, null);
        }

        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(sourcePath));
        var rewritten = FeatureTapRewriter.TryRewrite(model, [.. LayerTable.Select(l => l.Name)], out _, out var error)
            ?? throw new UserFacingException($"the ResNet18 feature network ({sourcePath}) cannot be cut at its inner layers: {error}");
        var bytes = rewritten.ToByteArray();
        // Written beside and renamed: a concurrent or interrupted first use never leaves half a model.
        var temporary = path + $".{Environment.ProcessId}.tmp";
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
            return (path, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (sourcePath, bytes);
        }
        finally
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Nothing was written there.
            }
        }
    }
}
