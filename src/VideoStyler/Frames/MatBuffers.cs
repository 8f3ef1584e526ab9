using OpenCvSharp;

namespace VideoStyler.Frames;

/// <summary>
/// Owns the working buffers of a stage: every Mat (and any other native resource) made through it is
/// disposed by its <see cref="Dispose"/>, once, in reverse order of creation. A stage keeps the returned
/// references in fields (and may swap them between fields); only this holder disposes them. Not thread-safe:
/// buffers are made when the stage is built.
/// </summary>
internal sealed class MatBuffers : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    /// <summary>A new <paramref name="rows"/> x <paramref name="cols"/> Mat of <paramref name="type"/>, owned by this holder.</summary>
    public Mat New(int rows, int cols, MatType type) => Own(new Mat(rows, cols, type));

    /// <summary>A new Mat of <paramref name="size"/> and <paramref name="type"/> filled with <paramref name="value"/>, owned by this holder.</summary>
    public Mat New(Size size, MatType type, Scalar value) => Own(new Mat(size, type, value));

    /// <summary>An empty Mat (an absent optional argument, such as remap's second map), owned by this holder.</summary>
    public Mat Empty() => Own(new Mat());

    /// <summary>Takes ownership of <paramref name="item"/> and returns it.</summary>
    public T Own<T>(T item)
        where T : IDisposable
    {
        ArgumentNullException.ThrowIfNull(item);
        _owned.Add(item);
        return item;
    }

    /// <summary>Disposes everything owned, newest first.</summary>
    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
    }
}
