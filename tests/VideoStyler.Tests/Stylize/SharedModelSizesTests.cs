using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using VideoStyler.Models;
using VideoStyler.Stylize;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Stylize;

/// <summary>
/// Every shared (fixed 720x720) model, run through our path at 640x480 and at an odd 643x361, gives a
/// picture of exactly that size whose colours match a per-frame reference: the ORIGINAL model on the
/// frame reflect-padded to 720x720 (done here independently with plain ONNX Runtime), cropped back.
/// </summary>
public class SharedModelSizesTests
{
    [Theory]
    [InlineData("candy.onnx", 640, 480)]
    [InlineData("candy.onnx", 643, 361)]
    [InlineData("mosaic.onnx", 640, 480)]
    [InlineData("mosaic.onnx", 643, 361)]
    [InlineData("la_muse.onnx", 640, 480)]
    [InlineData("la_muse.onnx", 643, 361)]
    public void Output_has_the_input_size_and_matching_colours(string model, int width, int height)
    {
        var path = TestPaths.SharedModel(model);
        using var photo = Cv2.ImRead(TestPaths.SharedData("dog.jpg"));
        using var frame = photo.Resize(new Size(width, height), 0, 0, InterpolationFlags.Area);

        using var session = StyleSession.Load(StyleLibrary.FromPath(path), ExecutionDevice.Cpu);
        using var stylizer = new OnnxStylizer(session, width, height, Math.Min(width, height));
        using var ours = new Mat(height, width, MatType.CV_8UC3);
        stylizer.Process(frame, ours);

        Assert.Equal((width, height), (ours.Width, ours.Height));
        Assert.False(session.Convention.HasFixedSize, "the fixed 720x720 dims should have been made free");
        Assert.Equal((width, height), (stylizer.Geometry.ContentWidth, stylizer.Geometry.ContentHeight));

        using var reference = ReferenceAt720(path, frame);
        // Same network, same picture; only the padding around it differs (instance norm sees it), so the
        // colours agree closely overall while textures may shift a little.
        var ourMean = Cv2.Mean(ours);
        var refMean = Cv2.Mean(reference);
        for (var c = 0; c < 3; c++)
        {
            Assert.InRange(Math.Abs(ourMean[c] - refMean[c]), 0, 12);
        }

        Assert.InRange(TestFrames.MeanAbsDiff(ours, reference), 0, 40);
        Assert.True(TestFrames.MeanAbsDiff(ours, frame) > 25, "the output should be stylized, not the input");
    }

    private static Mat ReferenceAt720(string modelPath, Mat frame)
    {
        using var padded = new Mat();
        Cv2.CopyMakeBorder(frame, padded, 0, 720 - frame.Height, 0, 720 - frame.Width, BorderTypes.Reflect101);
        var tensor = new float[3 * 720 * 720];
        var bytes = new byte[720 * 720 * 3];
        System.Runtime.InteropServices.Marshal.Copy(padded.Data, bytes, 0, bytes.Length);
        for (var i = 0; i < 720 * 720; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                tensor[(c * 720 * 720) + i] = bytes[(i * 3) + c]; // BGR planes, 0..255
            }
        }

        using var session = new InferenceSession(modelPath);
        using var input = OrtValue.CreateTensorValueFromMemory(tensor, [1, 3, 720, 720]);
        using var outputs = session.Run(new RunOptions(), ["inputImage"], [input], ["outputImage"]);
        var result = outputs[0].GetTensorDataAsSpan<float>();
        var pixels = new byte[720 * 720 * 3];
        for (var i = 0; i < 720 * 720; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                pixels[(i * 3) + c] = (byte)Math.Clamp(Math.Round(result[(c * 720 * 720) + i]), 0, 255);
            }
        }

        using var full = new Mat(720, 720, MatType.CV_8UC3);
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, full.Data, pixels.Length);
        return full[new Rect(0, 0, frame.Width, frame.Height)].Clone();
    }
}
