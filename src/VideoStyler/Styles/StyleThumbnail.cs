using OpenCvSharp;

namespace VideoStyler.Styles;

/// <summary>The small picture of a style that listings and the live page show: at most 256 px on the long side, JPEG.</summary>
internal static class StyleThumbnail
{
    public const int Side = 256;
    public const string FileName = "thumb.jpg";

    public static void Write(Mat painting, string path)
    {
        using var small = PictureFit.FitWithin(painting, Side);
        if (!Cv2.ImWrite(path, small, new ImageEncodingParam(ImwriteFlags.JpegQuality, 85)))
        {
            throw new UserFacingException($"cannot write thumbnail {path}");
        }
    }
}
