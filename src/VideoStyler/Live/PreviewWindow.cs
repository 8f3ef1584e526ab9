using OpenCvSharp;

namespace VideoStyler.Live;

/// <summary>
/// The `preview` sink: an OpenCV window on its own thread showing the latest output frame. Without a
/// display (no DISPLAY / WAYLAND_DISPLAY, or the window cannot open) it says so once and stays off.
/// </summary>
internal sealed class PreviewWindow : IDisposable
{
    private const string Title = "VideoStyler live";
    private readonly Lock _gate = new();
    private readonly Mat _latest;
    private readonly Thread? _thread;
    private readonly Action<string> _notice;
    private volatile bool _running;
    private bool _fresh;

    public PreviewWindow(int width, int height, Action<string> notice)
    {
        _notice = notice;
        _latest = new Mat(height, width, MatType.CV_8UC3, Scalar.All(0));
        if (!HasDisplay())
        {
            notice("preview: no display (DISPLAY/WAYLAND_DISPLAY not set); the preview window is skipped, other outputs go on");
            return;
        }

        _running = true;
        _thread = new Thread(Loop) { IsBackground = true, Name = "live-preview" };
        _thread.Start();
    }

    public bool Enabled => _running;

    public static bool HasDisplay() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));

    public void Offer(Mat frame)
    {
        if (!_running)
        {
            return;
        }

        lock (_gate)
        {
            frame.CopyTo(_latest);
            _fresh = true;
        }
    }

    private void Loop()
    {
        try
        {
            Cv2.NamedWindow(Title, WindowFlags.AutoSize);
            while (_running)
            {
                lock (_gate)
                {
                    if (_fresh)
                    {
                        Cv2.ImShow(Title, _latest);
                        _fresh = false;
                    }
                }

                Cv2.WaitKey(15);
            }

            Cv2.DestroyWindow(Title);
        }
        catch (Exception ex) when (ex is OpenCVException or OpenCvSharpException or DllNotFoundException or TypeInitializationException)
        {
            _running = false;
            _notice($"preview: the window could not open ({Entry(ex.Message)}); other outputs go on");
        }
    }

    private static string Entry(string message) => message.Split('\n')[0].Trim();

    public void Dispose()
    {
        _running = false;
        _thread?.Join(TimeSpan.FromSeconds(2));
        _latest.Dispose();
    }
}
