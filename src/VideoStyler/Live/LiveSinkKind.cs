namespace VideoStyler.Live;

/// <summary>Where live frames go.</summary>
internal enum LiveSinkKind
{
    /// <summary>A v4l2loopback virtual camera: raw yuv420p frames written to /dev/videoN.</summary>
    VirtualCamera,

    /// <summary>rtmp(s)://: h264 in FLV.</summary>
    Rtmp,

    /// <summary>srt://: h264 in MPEG-TS.</summary>
    Srt,

    /// <summary>udp://: h264 in MPEG-TS.</summary>
    Udp,

    /// <summary>A recording on disk (h264; the container follows the extension).</summary>
    File,

    /// <summary>An OpenCV window on the local display.</summary>
    Preview,
}
