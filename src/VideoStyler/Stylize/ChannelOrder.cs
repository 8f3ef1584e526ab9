namespace VideoStyler.Stylize;

internal enum ChannelOrder
{
    Rgb,
    Bgr,
}
