using VideoStyler.Frames;
using OpenCvSharp;

namespace VideoStyler.Flow;

/// <summary>
/// Geometry helpers shared by the blender and the meter: turning a relative flow field into an
/// absolute sampling map for <see cref="Cv2.Remap"/>. Holds no tuning, only coordinates.
/// </summary>
internal static class FlowMaps
{
    /// <summary>The absent second map of a remap with a CV_32FC2 map: an empty header, never written, shared.</summary>
    private static readonly Mat NoMap = new();

    /// <summary>Creates a CV_32FC2 image whose pixel (x, y) holds (x, y).</summary>
    public static Mat CreateGrid(int width, int height)
    {
        var grid = new Mat(height, width, MatType.CV_32FC2);
        for (var y = 0; y < height; y++)
        {
            var row = grid.RowSpan<Vec2f>(y);
            for (var x = 0; x < row.Length; x++)
            {
                row[x] = new Vec2f(x, y);
            }
        }

        return grid;
    }

    /// <summary>map = grid + flow, for a flow at the grid's resolution.</summary>
    public static void ToSamplingMap(MatCalls cv, Mat flow, Mat grid, Mat map) => cv.Add(flow, grid, map);

    /// <summary>
    /// map = grid + flow for a flow measured at a lower resolution: the flow is resized to the grid (into
    /// <paramref name="upsampled"/>) and its vectors scaled by the resolution ratio.
    /// </summary>
    public static void UpsampleToSamplingMap(MatCalls cv, Mat flow, Mat grid, Mat upsampled, Mat map)
    {
        cv.Resize(flow, upsampled, InterpolationFlags.Linear);
        cv.Multiply(upsampled, new Scalar((double)grid.Cols / flow.Cols, (double)grid.Rows / flow.Rows), upsampled);
        cv.Add(upsampled, grid, map);
    }

    /// <summary>
    /// The flow of the opposite direction from <paramref name="flow"/> (A -> B gives B -> A), without measuring it:
    /// reversed(y) = -flow(y + reversed(y)), one fixed-point step from -flow (exact for smooth motion; where
    /// the flow folds, at occlusions, the forward-backward check of <see cref="FlowConfidence"/> still fails).
    /// <paramref name="map"/> and <paramref name="scratch"/> are CV_32FC2 work buffers of the flow's size.
    /// </summary>
    public static void Reverse(MatCalls cv, Mat flow, Mat grid, Mat map, Mat scratch, Mat reversed)
    {
        ArgumentNullException.ThrowIfNull(cv);
        cv.Multiply(flow, new Scalar(-1, -1), reversed);
        ToSamplingMap(cv, reversed, grid, map);
        cv.Remap(flow, scratch, map, NoMap, InterpolationFlags.Linear, BorderTypes.Replicate);
        cv.Multiply(scratch, new Scalar(-1, -1), reversed);
    }
}
