using System.Globalization;

namespace VideoStyler.Models.Onnx;

/// <summary>Outcome of <see cref="FixedDimsRewriter.TryMakeSpatialDimsSymbolic"/>.</summary>
/// <param name="Succeeded">True when the model now accepts any height/width that is a multiple of <paramref name="SizeMultiple"/>.</param>
/// <param name="Changed">True when the model was modified (false when it already had symbolic dims, or on failure).</param>
/// <param name="SizeMultiple">Height and width must be multiples of this (1 = any size); 0 on failure.</param>
/// <param name="FailureReason">Why the model could not be made size-agnostic; null on success.</param>
/// <param name="NativeHeight">The fixed input height the model was exported with, if it had one.</param>
/// <param name="NativeWidth">The fixed input width the model was exported with, if it had one.</param>
/// <param name="Changes">Human-readable notes on what was rewritten.</param>
internal sealed record RewriteResult(
    bool Succeeded,
    bool Changed,
    int SizeMultiple,
    string? FailureReason,
    long? NativeHeight,
    long? NativeWidth,
    IReadOnlyList<string> Changes)
{
    public static RewriteResult Failure(string reason, long? nativeHeight = null, long? nativeWidth = null) =>
        new(false, false, 0, reason, nativeHeight, nativeWidth, []);

    public override string ToString() => Succeeded
        ? $"succeeded (changed: {Changed}, size multiple {SizeMultiple}, native {NativeHeight?.ToString(CultureInfo.InvariantCulture) ?? "?"}x{NativeWidth?.ToString(CultureInfo.InvariantCulture) ?? "?"}): {string.Join("; ", Changes)}"
        : $"failed: {FailureReason}";
}
