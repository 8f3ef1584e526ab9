using OpenCvSharp;

namespace VideoStyler.Stylize;

/// <summary>Stylizes frames of one size with one style: whole-frame (<see cref="OnnxStylizer"/>) or in tiles (<see cref="TiledStylizer"/>).</summary>
internal interface IStylizer : IDisposable
{
    StyleSession Style { get; }

    /// <summary>Stylizes <paramref name="source"/> (BGR 8UC3, frame size) into <paramref name="destination"/> (same).</summary>
    void Process(Mat source, Mat destination);
}
