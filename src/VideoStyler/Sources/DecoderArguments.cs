using System.Globalization;
using FFMpegCore;
using FFMpegCore.Pipes;

namespace VideoStyler.Sources;

/// <summary>
/// Builds the ffmpeg command that decodes the first video stream to raw BGR24 frames on a pipe, in
/// Matroska so each frame carries its presentation timestamp (read by <see cref="Media.MatroskaFrameReader"/>).
/// </summary>
internal static class DecoderArguments
{
    /// <param name="input">The probed input.</param>
    /// <param name="sink">The pipe the frames are written to.</param>
    /// <param name="seekSeconds">
    /// Start decoding at this time (seconds from the file's start) instead of at the beginning: ffmpeg
    /// seeks to the keyframe before it and drops the frames before it; the frames keep the timestamps
    /// a whole-file decode gives them (-copyts -start_at_zero), so a segment lines up with the whole.
    /// </param>
    public static FFMpegArgumentProcessor Build(VideoInfo input, IPipeSink sink, double? seekSeconds = null) =>
        FFMpegArguments
            .FromFileInput(input.Path, verifyExists: false, o =>
            {
                if (seekSeconds is { } seconds)
                {
                    o.WithCustomArgument(string.Create(CultureInfo.InvariantCulture, $"-ss {seconds:0.######} -copyts -start_at_zero"));
                }
            })
            .OutputToPipe(sink, o => o
                .WithCustomArgument("-map 0:v:0")
                // Rotation metadata is applied by ffmpeg's autorotate (on by default), so frames arrive
                // upright at the display size VideoProbe reports; force that size in case they do not.
                .WithCustomArgument($"-vf scale={input.Width}:{input.Height}")
                // Every decoded frame once, with its own timestamp (variable frame rate is kept): the raw
                // encoder counts time in milliseconds like Matroska, not in steps of an average rate.
                .WithCustomArgument("-fps_mode passthrough -enc_time_base 1:1000")
                .WithCustomArgument("-pix_fmt bgr24 -c:v rawvideo")
                // Raw RGB goes into Matroska the way ffmpeg stores it in AVI (V_MS/VFW/FOURCC); no CRC-32
                // per cluster, which would cost a pass over every frame (it doubled ffmpeg's CPU time).
                .WithCustomArgument("-allow_raw_vfw 1 -write_crc32 0")
                .WithCustomArgument("-an -sn -dn")
                // No periodic "frame= ..." lines: each is a string and a parse per line on our side.
                .WithCustomArgument("-nostats"));
}
