namespace VideoStyler.Stylize;

/// <summary>Memory layout of a 4-D image tensor.</summary>
internal enum TensorLayout
{
    /// <summary>[batch, channels, height, width] — planar, the common PyTorch export.</summary>
    Nchw,

    /// <summary>[batch, height, width, channels] — interleaved, the common TensorFlow export.</summary>
    Nhwc,
}
