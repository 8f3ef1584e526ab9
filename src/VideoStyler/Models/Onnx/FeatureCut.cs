namespace VideoStyler.Models.Onnx;

/// <summary>Which of a network's cut points <see cref="BottleneckSplitter"/> takes.</summary>
internal enum FeatureCut
{
    /// <summary>The last cut point before the first upsampling op: the bottleneck (1/4 of the picture's size for the Johnson networks and Magenta's transformer).</summary>
    Bottleneck,

    /// <summary>
    /// The last cut point between the first upsampling op and the second: the output of the first upsampling block
    /// (1/2 of the picture's size for the Johnson networks and Magenta's transformer). Networks with one upsampling op
    /// have none.
    /// </summary>
    AfterFirstUpsampling,
}
