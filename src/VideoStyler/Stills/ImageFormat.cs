namespace VideoStyler.Stills;

/// <summary>The still-image formats `stylize` reads and writes.</summary>
internal enum ImageFormat
{
    Jpeg,
    Png,
    WebP,
    Bmp,
    Tiff,
}
