using System.Globalization;
using OpenCvSharp;

namespace VideoStyler.Live;

/// <summary>
/// The picture sent while the source is lost: the last output dimmed, with "SOURCE LOST -
/// RECONNECTING" and how long it has been, drawn by OpenCV, centred and scaled to the frame.
/// </summary>
internal sealed class PlaceholderCard
{
    private const double Dim = 0.35;
    private const HersheyFonts Font = HersheyFonts.HersheySimplex;
    private readonly double _scale;
    private readonly int _thickness;
    private long _shownSeconds = -1;
    private string _detail = "";

    public PlaceholderCard(int width)
    {
        _scale = Math.Max(0.35, width / 640.0 * 0.9);
        _thickness = Math.Max(1, (int)Math.Round(2 * _scale));
    }

    public const string LostText = "SOURCE LOST - RECONNECTING";

    public const string StalledText = "NO SIGNAL - WAITING";

    /// <summary>Draws the card from <paramref name="last"/> into <paramref name="output"/> (same size).</summary>
    /// <param name="last">The last frame that came in.</param>
    /// <param name="output">Where the card is drawn.</param>
    /// <param name="lost">True once the capture gave the source up; false while frames are only late.</param>
    /// <param name="silentFor">Time since the last frame came in.</param>
    public void Draw(Mat last, Mat output, bool lost, TimeSpan silentFor)
    {
        last.ConvertTo(output, -1, Dim, 0);
        var seconds = (long)silentFor.TotalSeconds;
        if (seconds != _shownSeconds)
        {
            _shownSeconds = seconds;
            _detail = string.Create(CultureInfo.InvariantCulture, $"no picture for {seconds} s");
        }

        var headline = lost ? LostText : StalledText;
        var centre = output.Height / 2;
        var gap = (int)(14 * _scale);
        PutCentred(output, headline, centre - gap, _scale);
        PutCentred(output, _detail, centre + gap + (int)(22 * _scale * 0.7), _scale * 0.7);
    }

    private void PutCentred(Mat image, string text, int baselineY, double scale)
    {
        var size = Cv2.GetTextSize(text, Font, scale, _thickness, out _);
        var origin = new Point(Math.Max(0, (image.Width - size.Width) / 2), baselineY);
        // A dark outline keeps the text readable on any picture.
        Cv2.PutText(image, text, origin, Font, scale, Scalar.Black, _thickness + 2, LineTypes.AntiAlias);
        Cv2.PutText(image, text, origin, Font, scale, Scalar.White, _thickness, LineTypes.AntiAlias);
    }
}
