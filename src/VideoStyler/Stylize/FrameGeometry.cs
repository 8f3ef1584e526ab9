namespace VideoStyler.Stylize;

/// <summary>
/// Where a frame goes on its way through the model: the frame (Width x Height) is scaled to the
/// processing size (ContentWidth x ContentHeight, aspect kept), reflect-padded on the right and bottom
/// to the tensor size (TensorWidth x TensorHeight), and after inference the content rectangle is
/// cropped back out and scaled to the frame size. Nothing is ever squashed.
/// </summary>
internal sealed record FrameGeometry(
    int Width,
    int Height,
    int ContentWidth,
    int ContentHeight,
    int TensorWidth,
    int TensorHeight)
{
    public bool NeedsResize => ContentWidth != Width || ContentHeight != Height;

    public bool NeedsPadding => ContentWidth != TensorWidth || ContentHeight != TensorHeight;

    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="shortSide">Requested processing size: the short side in pixels.</param>
    /// <param name="convention">The model's convention (fixed dims and size multiple).</param>
    public static FrameGeometry Compute(int width, int height, int shortSide, ModelConvention convention)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shortSide, 8);

        var (contentW, contentH) = ScaleToShortSide(width, height, shortSide);

        if (convention.FixedWidth is { } fw && convention.FixedHeight is { } fh)
        {
            // A fixed-size model: fit the picture inside its input (letterbox, never squash).
            if (contentW > fw || contentH > fh)
            {
                var fit = Math.Min((double)fw / contentW, (double)fh / contentH);
                contentW = Math.Clamp((int)Math.Floor(contentW * fit), 1, fw);
                contentH = Math.Clamp((int)Math.Floor(contentH * fit), 1, fh);
            }

            return new FrameGeometry(width, height, contentW, contentH, fw, fh);
        }

        var multiple = Math.Max(1, convention.SizeMultiple);
        var tensorW = convention.FixedWidth ?? RoundUp(contentW, multiple);
        var tensorH = convention.FixedHeight ?? RoundUp(contentH, multiple);
        contentW = Math.Min(contentW, tensorW);
        contentH = Math.Min(contentH, tensorH);
        return new FrameGeometry(width, height, contentW, contentH, tensorW, tensorH);
    }

    /// <summary>The frame's size scaled (aspect kept) so that its short side is <paramref name="shortSide"/>.</summary>
    public static (int Width, int Height) ScaleToShortSide(int width, int height, int shortSide)
    {
        var scale = (double)shortSide / Math.Min(width, height);
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
