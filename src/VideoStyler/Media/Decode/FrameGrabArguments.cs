using System.Globalization;

namespace VideoStyler.Media;

/// <summary>The ffmpeg command that writes one frame of a video as a picture file (its extension picks the format).</summary>
internal static class FrameGrabArguments
{
    /// <param name="video">The input video.</param>
    /// <param name="atSeconds">The frame at this time (null: the first frame).</param>
    /// <param name="picturePath">The picture to write (replaced if there).</param>
    public static IReadOnlyList<string> Build(string video, double? atSeconds, string picturePath) =>
        new FfmpegArguments()
            .Flag("-nostdin")
            .Option("-v", "error")
            .When(atSeconds is not null, a => a.Option("-ss", atSeconds!.Value.ToString("0.###", CultureInfo.InvariantCulture)))
            .Input(video)
            .Option("-frames:v", "1")
            .Output(picturePath, overwrite: true)
            .Build();
}
