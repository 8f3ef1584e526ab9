namespace VideoStyler.Stylize.Providers;

/// <summary>One execution provider on this machine: usable or not, and why (`videostyler devices`).</summary>
/// <param name="Device">The --device value that asks for it.</param>
/// <param name="Name">ONNX Runtime's name, e.g. "CUDAExecutionProvider".</param>
/// <param name="Usable">Whether a session can run on it here.</param>
/// <param name="Detail">When usable, what it runs on (e.g. the GPU's name); otherwise the exact reason it is not.</param>
internal sealed record ProviderStatus(ExecutionDevice Device, string Name, bool Usable, string Detail);
