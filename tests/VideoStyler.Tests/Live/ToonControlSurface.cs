using OpenCvSharp;
using VideoStyler.Live;
using VideoStyler.Models;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Live;

/// <summary>
/// A real control surface without a capture: live controls, a preview broadcaster, and a style switcher
/// driving a real model thread that runs the toon style (cheap, no network) on small frames.
/// </summary>
internal sealed class ToonControlSurface : IDisposable
{
    private readonly KeyframeWorker _worker;
    private readonly string _models;

    public ToonControlSurface()
    {
        _models = TestPaths.NewTempFolder();
        var options = new LiveOptions
        {
            Source = new LiveSource { Kind = LiveSourceKind.File, Target = "test", Width = 64, Height = 48, FramesPerSecond = 10 },
            Sinks = [],
            Library = StyleLibrary.CreateDefault(_models),
            ProcessingSize = 48,
        };
        var styles = new StyleSwitcher(options);
        _worker = new KeyframeWorker(styles.Load("toon"), 64, 48, new Size(32, 24), new LiveStats());
        styles.Attach(_worker);
        var controls = new LiveControls();
        Surface = new ControlSurface
        {
            Controls = controls,
            Preview = new MjpegBroadcaster(),
            Styles = styles,
            Uploads = new StyleUpload(options.Library, styles),
            Status = () => new System.Text.Json.Nodes.JsonObject { ["style"] = styles.Current, ["strength"] = controls.Strength },
        };
    }

    public ControlSurface Surface { get; }

    public void Dispose()
    {
        _worker.Dispose();
        Directory.Delete(_models, recursive: true);
    }
}
