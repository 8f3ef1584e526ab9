namespace VideoStyler.Stylize.Providers;

/// <summary>The provider a session will run on and the one line to tell the user about the choice (or null).</summary>
internal sealed record ProviderChoice(ExecutionDevice Device, string Name, string? Notice);
