using OpenCvSharp;
using VideoStyler.Frames;

namespace VideoStyler.Stylize;

/// <summary>
/// What <see cref="FeatureFlowStylizer"/> keeps of one frame between its steps: the bottleneck features (written by
/// the encoder, stabilised by the blend, read by the decoder and then, as history, by the next frame's blend) and the
/// flow step's verdict for the frame (whether it starts afresh; else the fixed-point sampling map onto the previous
/// frame and the blend weights). Frame n uses slot n mod the slot count, so with several frames in flight a frame's
/// flow verdict waits in its slot while another frame is blended. The Mats belong to the stylizer's buffers.
/// </summary>
internal sealed class FeatureSlot
{
    public FeatureSlot(FeatureBuffer features, MatBuffers buffers, int width, int height)
    {
        Features = features;
        FixedMap = buffers.New(height, width, MatType.CV_16SC2);
        FixedFractions = buffers.New(height, width, MatType.CV_16UC1);
        Trust = buffers.New(height, width, MatType.CV_32FC1);
        Stay = buffers.New(height, width, MatType.CV_32FC1);
    }

    public FeatureBuffer Features { get; }

    /// <summary>The sampling map onto the previous frame as cv::convertMaps' fixed-point pair: integer positions...</summary>
    public Mat FixedMap { get; }

    /// <summary>...and interpolation table indices, made once a frame for all planes.</summary>
    public Mat FixedFractions { get; }

    /// <summary>Weight of the warped history per position: keep x flow confidence.</summary>
    public Mat Trust { get; }

    /// <summary>1 - <see cref="Trust"/>: weight of the frame's own features.</summary>
    public Mat Stay { get; }

    /// <summary>No history to carry into this frame (the first frame, a scene cut).</summary>
    public bool Fresh { get; set; }
}
