using OpenCvSharp;
using VideoStyler.Models;
using VideoStyler.Stylize;
using VideoStyler.Stylize.Arbitrary;
using VideoStyler.Tests.Support;
using Xunit.Abstractions;

namespace VideoStyler.Tests.Stylize;

/// <summary>
/// The shipped Magenta predictor and transformer, run for real on photos and paintings at 256 px:
/// what a style vector captures, and what stylizing with it does to a picture.
/// </summary>
public class ArbitraryStyleTests(ITestOutputHelper output)
{
    private const int Size = 256;

    private static readonly Lazy<StylePredictor> Predictor = new(() => StylePredictor.Load());

    private static string Painting(string name) => Path.Combine(TestPaths.Shared, "styles", name);

    private static string Photo(string name) => Path.Combine(TestPaths.Shared, "photos", name);

    [Fact]
    public void PredictorGivesTheSameVectorTwiceAndDifferentVectorsForDifferentPaintings()
    {
        var wave = Predict(Painting("hokusai-great-wave.jpg"));
        var waveAgain = Predict(Painting("hokusai-great-wave.jpg"));
        var scream = Predict(Painting("munch-the-scream.jpg"));
        var mondrian = Predict(Painting("mondrian-cubist-composition.jpg"));

        Assert.Equal(MagentaModels.VectorLength, wave.Length);
        Assert.Equal(wave, waveAgain);

        // The same painting seen a little differently (80 % size) stays close; other paintings do not.
        using var image = StyleImage.Load(Painting("hokusai-great-wave.jpg"));
        using var smaller = new Mat();
        Cv2.Resize(image, smaller, new Size(image.Width * 4 / 5, image.Height * 4 / 5), 0, 0, InterpolationFlags.Area);
        var near = Distance(wave, Predictor.Value.Predict(smaller));
        var toScream = Distance(wave, scream);
        var toMondrian = Distance(wave, mondrian);
        output.WriteLine($"|wave - wave at 80 %| {near:0.00}; |wave - scream| {toScream:0.00}; |wave - mondrian| {toMondrian:0.00}; |wave| {Distance(wave, new float[100]):0.00}");
        Assert.True(toScream > 2 * near && toMondrian > 2 * near, $"other paintings ({toScream:0.00}, {toMondrian:0.00}) are not much farther than the same one resized ({near:0.00})");
        Assert.True(Distance(scream, mondrian) > 2 * near);
    }

    [Fact]
    public void StylizingAPhotoWithItsOwnVectorChangesItFarLessThanWithAPaintingsVector()
    {
        using var photo = LoadScaled(Photo("sunset-hills.jpg"));
        using var stylizer = Transformer(photo, out var session);
        using var own = Stylize(stylizer, session, photo, Predictor.Value.Predict(photo));
        using var painted = Stylize(stylizer, session, photo, Predict(Painting("hokusai-great-wave.jpg")));

        var ownChange = TestFrames.MeanAbsDiff(photo, own);
        var paintedChange = TestFrames.MeanAbsDiff(photo, painted);
        output.WriteLine($"mean |output - photo| (0..255): own vector {ownChange:0.0}, great wave {paintedChange:0.0}");
        Assert.True(ownChange < 0.6 * paintedChange, $"own vector changed the photo by {ownChange:0.0}, the painting by {paintedChange:0.0}");
        Assert.True(TestFrames.StructureCorrelation(photo, painted) > 0.3, "the stylized photo lost the scene's outlines");
        session.Dispose();
    }

    [Theory]
    [InlineData("cat-chelsea.png", "vangogh-starry-night.jpg")]
    [InlineData("sunset-hills.jpg", "hokusai-great-wave.jpg")]
    [InlineData("coffee-cup.png", "munch-the-scream.jpg")]
    public void ThePalettesMoveTowardThePaintings(string photoName, string paintingName)
    {
        using var photo = LoadScaled(Photo(photoName));
        using var painting = StyleImage.Load(Painting(paintingName));
        using var stylizer = Transformer(photo, out var session);
        using var styled = Stylize(stylizer, session, photo, Predict(Painting(paintingName)));

        var before = LabDistance(photo, painting);
        var after = LabDistance(styled, painting);
        output.WriteLine($"{photoName} -> {paintingName}: distance of the mean Lab colour to the painting's {before:0.0} -> {after:0.0}");
        Assert.True(after < 0.75 * before, $"the palette did not move toward the painting: {before:0.0} -> {after:0.0}");
        session.Dispose();
    }

    [Fact]
    public void StrengthZeroGivesBackNearlyTheContentAndStrengthGrowsTheChange()
    {
        using var photo = LoadScaled(Photo("cat-chelsea.png"));
        var vector = Predict(Painting("munch-the-scream.jpg"));
        var changes = new List<double>();
        foreach (var strength in new[] { 0.0, 0.5, 1.0 })
        {
            using var frame = FrameStylizer.Create(
                StyleLibrary.CreateDefault(), null, new StyleControls(), photo.Width, photo.Height, Size, ExecutionDevice.Cpu, 0, null,
                arbitrary: new ArbitraryStyle { Name = "scream", Vector = vector, Strength = strength });
            using var styled = new Mat(photo.Size(), MatType.CV_8UC3);
            frame.Process(photo, styled);
            changes.Add(TestFrames.MeanAbsDiff(photo, styled));
        }

        output.WriteLine($"mean |output - photo| at strength 0, 0.5, 1: {string.Join(", ", changes.Select(c => c.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.True(changes[0] < 0.5 * changes[2], $"strength 0 changed the photo by {changes[0]:0.0}, strength 1 by {changes[2]:0.0}");
        Assert.True(changes[0] < changes[1] && changes[1] < changes[2], "the change does not grow with the strength");
    }

    [Fact]
    public void AtAStrengthBelowOneTheContentVectorIsPredictedAgainAfterASceneCut()
    {
        const int width = 256, height = 192;
        using var clip = new SmallClip(width, height);
        var help = clip.Read("help.mkv", 58).TakeLast(4).ToList();
        var walk = clip.Read("walk.mkv", 2);
        var style = new ArbitraryStyle { Name = "scream", Vector = Predict(Painting("munch-the-scream.jpg")), Strength = 0.5 };
        FrameStylizer Fresh() => FrameStylizer.Create(
            StyleLibrary.CreateDefault(), null, new StyleControls(), width, height, height, ExecutionDevice.Cpu, 0, null, arbitrary: style);
        Mat Run(FrameStylizer stylizer, Mat frame)
        {
            var styled = clip.Keep(new Mat(frame.Size(), MatType.CV_8UC3));
            stylizer.Process(frame, styled);
            return styled;
        }

        using var running = Fresh();
        var outputs = help.Concat(walk).Select(frame => Run(running, frame)).ToList();
        using var freshOnWalk = Fresh();
        var afterCut = Run(freshOnWalk, walk[0]);
        using var freshOnHelp = Fresh();
        var lastHelpFresh = Run(freshOnHelp, help[^1]);

        // After the cut the vector comes from the new scene: the same output a run starting there gives.
        var atCut = TestFrames.MeanAbsDiff(outputs[help.Count], afterCut);
        // Within the first scene the first frame's vector is kept (no new prediction each frame), so the last
        // help frame differs from a run that started on it.
        var withinScene = TestFrames.MeanAbsDiff(outputs[help.Count - 1], lastHelpFresh);
        output.WriteLine($"frame after the cut vs a fresh run: {atCut:0.000}; last frame of the first scene vs a fresh run on it: {withinScene:0.000}");
        Assert.True(atCut < 0.01, $"the frame after the cut differs from a fresh run by {atCut:0.000}: the old scene's vector was kept");
        Assert.True(withinScene > atCut, "the vector was predicted again inside a scene");
    }

    [Fact]
    public void MixWeightsOneAndZeroGiveTheSingleStyle()
    {
        var wave = Predict(Painting("hokusai-great-wave.jpg"));
        var scream = Predict(Painting("munch-the-scream.jpg"));

        Assert.Equal(wave, StyleVectors.Mix([(wave, 1.0), (scream, 0.0)]));
        Assert.Equal(wave, StyleVectors.Interpolate(scream, wave, 1.0));
        Assert.Equal(scream, StyleVectors.Interpolate(scream, wave, 0.0));
    }

    [Fact]
    public void TheOutputHasTheInputsSizeForSizesThatAreNotMultiplesOfFour()
    {
        using var photo = LoadScaled(Photo("coffee-cup.png"));
        using var odd = new Mat(photo, new Rect(0, 0, 201, 131));
        using var input = odd.Clone();
        using var session = StyleSession.Load(MagentaModels.Transformer(), ExecutionDevice.Cpu);
        using var stylizer = new OnnxStylizer(session, input.Width, input.Height, input.Height);
        session.SetStyleVector(Predict(Painting("picabia-udnie.jpg")));
        using var styled = new Mat(input.Size(), MatType.CV_8UC3);

        stylizer.Process(input, styled);

        Assert.Equal(204, stylizer.Geometry.TensorWidth); // padded to the model's multiple of 4, cropped back
        Assert.True(TestFrames.MeanAbsDiff(input, styled) > 10);
    }

    private static float[] Predict(string path) => Predictor.Value.PredictFile(path);

    private static Mat LoadScaled(string path)
    {
        using var full = StyleImage.Load(path);
        var scale = (double)Size / Math.Min(full.Width, full.Height);
        var scaled = new Mat();
        Cv2.Resize(full, scaled, new Size((int)Math.Round(full.Width * scale), (int)Math.Round(full.Height * scale)), 0, 0, InterpolationFlags.Area);
        return scaled;
    }

    private static OnnxStylizer Transformer(Mat like, out StyleSession session)
    {
        session = StyleSession.Load(MagentaModels.Transformer(), ExecutionDevice.Cpu);
        return new OnnxStylizer(session, like.Width, like.Height, Size);
    }

    /// <summary>Sets the vector on the session (bound once in the stylizer) and runs one picture.</summary>
    private static Mat Stylize(OnnxStylizer stylizer, StyleSession session, Mat picture, float[] vector)
    {
        session.SetStyleVector(vector);
        var styled = new Mat(picture.Size(), MatType.CV_8UC3);
        stylizer.Process(picture, styled);
        return styled;
    }

    /// <summary>Euclidean distance (CIE76 delta E) between the mean L*a*b* colours of two pictures.</summary>
    private static double LabDistance(Mat a, Mat b)
    {
        var la = MeanLab(a);
        var lb = MeanLab(b);
        return Math.Sqrt(Math.Pow(la.Val0 - lb.Val0, 2) + Math.Pow(la.Val1 - lb.Val1, 2) + Math.Pow(la.Val2 - lb.Val2, 2));
    }

    private static Scalar MeanLab(Mat bgr)
    {
        using var floats = new Mat();
        bgr.ConvertTo(floats, MatType.CV_32FC3, 1.0 / 255.0);
        using var lab = new Mat();
        Cv2.CvtColor(floats, lab, ColorConversionCodes.BGR2Lab);
        return Cv2.Mean(lab);
    }

    private static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum());
}
