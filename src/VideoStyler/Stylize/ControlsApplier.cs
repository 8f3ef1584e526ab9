using OpenCvSharp;

namespace VideoStyler.Stylize;

/// <summary>
/// Applies <see cref="StyleControls"/> in place on a stylized frame, with whole-image OpenCV calls into
/// buffers allocated once. A video mask advances one frame per call and loops.
/// </summary>
internal sealed class ControlsApplier : IDisposable
{
    private readonly StyleControls _controls;
    private readonly int _width;
    private readonly int _height;
    private readonly Mat _styledYcc = new();
    private readonly Mat _sourceYcc = new();
    private readonly Mat _maskRaw = new();
    private readonly Mat _maskGray = new();
    private readonly Mat _maskWeight = new();
    private readonly Mat _maskInverse = new();
    private readonly Mat _blend = new();
    private readonly VideoCapture? _maskVideo;
    private bool _maskReady;

    public ControlsApplier(StyleControls controls, int width, int height)
    {
        _controls = controls;
        _width = width;
        _height = height;
        if (controls.MaskPath is { } path)
        {
            if (!File.Exists(path))
            {
                throw new UserFacingException($"mask not found: {path}");
            }

            using var still = Cv2.ImRead(path, ImreadModes.Grayscale);
            if (!still.Empty())
            {
                SetMask(still);
            }
            else
            {
                _maskVideo = new VideoCapture(path);
                if (!_maskVideo.IsOpened())
                {
                    _maskVideo.Dispose();
                    throw new UserFacingException($"mask {path} is neither an image nor a video OpenCV can read");
                }
            }
        }
    }

    public void Apply(Mat source, Mat styled)
    {
        if (_controls.PreserveColors)
        {
            // Luminance from the style, chroma from the source.
            Cv2.CvtColor(styled, _styledYcc, ColorConversionCodes.BGR2YCrCb);
            Cv2.CvtColor(source, _sourceYcc, ColorConversionCodes.BGR2YCrCb);
            Cv2.MixChannels([_styledYcc], [_sourceYcc], [0, 0]);
            Cv2.CvtColor(_sourceYcc, styled, ColorConversionCodes.YCrCb2BGR);
        }

        if (_controls.Strength < 1.0)
        {
            Cv2.AddWeighted(styled, _controls.Strength, source, 1.0 - _controls.Strength, 0, styled);
        }

        if (_maskVideo is not null)
        {
            if (!_maskVideo.Read(_maskRaw) || _maskRaw.Empty())
            {
                _maskVideo.Set(VideoCaptureProperties.PosFrames, 0);
                _maskVideo.Read(_maskRaw);
            }

            if (!_maskRaw.Empty())
            {
                using var gray = _maskRaw.Channels() == 1 ? _maskRaw.Clone() : _maskRaw.CvtColor(ColorConversionCodes.BGR2GRAY);
                SetMask(gray);
            }
        }

        if (_maskReady)
        {
            Cv2.BlendLinear(styled, source, _maskWeight, _maskInverse, _blend);
            _blend.CopyTo(styled);
        }

        if (_controls.Watermark is { Length: > 0 } text)
        {
            var scale = Math.Max(0.4, _height / 720.0);
            var thickness = Math.Max(1, (int)Math.Round(scale * 2));
            var origin = new Point((int)(12 * scale), _height - (int)(14 * scale));
            Cv2.PutText(styled, text, origin + new Point(1, 1), HersheyFonts.HersheySimplex, scale, Scalar.Black, thickness + 1, LineTypes.AntiAlias);
            Cv2.PutText(styled, text, origin, HersheyFonts.HersheySimplex, scale, Scalar.White, thickness, LineTypes.AntiAlias);
        }
    }

    private void SetMask(Mat gray)
    {
        Cv2.Resize(gray, _maskGray, new Size(_width, _height), 0, 0, InterpolationFlags.Linear);
        _maskGray.ConvertTo(_maskWeight, MatType.CV_32FC1, 1.0 / 255.0);
        Cv2.Subtract(Scalar.All(1.0), _maskWeight, _maskInverse);
        // blendLinear divides by the weight sum; keep it away from 0.
        Cv2.Max(_maskInverse, 1e-6, _maskInverse);
        _maskReady = true;
    }

    public void Dispose()
    {
        _maskVideo?.Dispose();
        foreach (var mat in new[] { _styledYcc, _sourceYcc, _maskRaw, _maskGray, _maskWeight, _maskInverse, _blend })
        {
            mat.Dispose();
        }
    }
}
