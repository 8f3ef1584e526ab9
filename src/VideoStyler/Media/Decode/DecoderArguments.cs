using System.Globalization;

namespace VideoStyler.Media;

/// <summary>
/// The ffmpeg command that decodes the first video stream to raw BGR24 frames on stdout, in Matroska so
/// each frame carries its presentation timestamp (read by <see cref="MatroskaFrameReader"/>).
/// </summary>
internal static class DecoderArguments
{
    /// <param name="input">The probed input.</param>
    /// <param name="seekSeconds">
    /// Start decoding at this time (seconds from the file's start) instead of at the beginning: ffmpeg
    /// seeks to the keyframe before it and drops the frames before it; the frames keep the timestamps
    /// a whole-file decode gives them (-copyts -start_at_zero), so a segment lines up with the whole.
    /// </param>
    public static IReadOnlyList<string> Build(VideoInfo input, double? seekSeconds = null) =>
        FfmpegArguments.Quiet()
            .When(seekSeconds is not null, a => a
                .Seconds("-ss", seekSeconds!.Value)
                .Flag("-copyts")
                .Flag("-start_at_zero"))
            .Input(input.Path)
            .Map("0:v:0")
            // Rotation metadata is applied by ffmpeg's autorotate (on by default), so frames arrive
            // upright at the display size VideoProbe reports; force that size in case they do not.
            .VideoFilter(string.Create(CultureInfo.InvariantCulture, $"scale={input.Width}:{input.Height}"))
            // Every decoded frame once, with its own timestamp (variable frame rate is kept): the raw
            // encoder counts time in milliseconds like Matroska, not in steps of an average rate.
            .PassthroughTiming()
            .Option("-enc_time_base", "1:1000")
            .PixelFormat("bgr24")
            .VideoCodec("rawvideo")
            // Raw RGB goes into Matroska the way ffmpeg stores it in AVI (V_MS/VFW/FOURCC); no CRC-32
            // per cluster, which would cost a pass over every frame (it doubled ffmpeg's CPU time).
            .Option("-allow_raw_vfw", "1")
            .Option("-write_crc32", "0")
            .VideoOnly()
            .Format("matroska")
            .Output("pipe:1")
            .Build();
}
