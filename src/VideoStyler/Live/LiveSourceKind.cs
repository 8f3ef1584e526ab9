namespace VideoStyler.Live;

/// <summary>Where live frames come from.</summary>
internal enum LiveSourceKind
{
    /// <summary>A V4L2 capture device (/dev/videoN).</summary>
    Webcam,

    /// <summary>Anything ffmpeg opens by URL: rtsp, srt, udp, http(s), rtmp.</summary>
    Stream,

    /// <summary>A video file played on its timestamps, like a camera (optionally looped).</summary>
    File,
}
