namespace VideoStyler.Stylize;

public enum ChannelOrder
{
    Rgb,
    Bgr,
}
