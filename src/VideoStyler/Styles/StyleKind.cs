namespace VideoStyler.Styles;

/// <summary>What a style is underneath: a picture's style vector (run by the shared Magenta transformer) or a whole ONNX network.</summary>
internal enum StyleKind
{
    Picture,
    Network,
}
