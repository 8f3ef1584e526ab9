using OpenCvSharp;
using VideoStyler.Stylize.Arbitrary;

namespace VideoStyler.Styles;

/// <summary>
/// Makes a picture style: a folder NAME/ with the picture (at most <see cref="ImageSide"/> px, JPEG),
/// its thumbnail and style.json (the given metadata and tags, the computed palette, measures and tags,
/// and the style vector when a predictor is given). The folder is built beside the target under a
/// temporary name and moved into place, so a failure never leaves a half-made style.
/// </summary>
internal static class StyleMaker
{
    public const int ImageSide = 1024;

    /// <summary>Makes STYLES_FOLDER/NAME from the picture at <paramref name="imagePath"/>.</summary>
    public static StyleManifest Create(StyleManifest given, string imagePath, string stylesFolder, Func<Mat, float[]>? predict, bool force)
    {
        using var picture = StyleImage.Load(imagePath);
        using var stored = PictureFit.FitWithin(picture, ImageSide);
        var target = Path.Combine(stylesFolder, given.Name);
        if (Directory.Exists(target) && !force)
        {
            throw new UserFacingException($"a style named '{given.Name}' already exists in {stylesFolder} (use --force to replace it)");
        }

        Directory.CreateDirectory(stylesFolder);
        var building = Path.Combine(stylesFolder, $".{given.Name}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(building);
        try
        {
            var imageFile = Path.Combine(building, StyleManifest.ImageFileName);
            if (!Cv2.ImWrite(imageFile, stored, new ImageEncodingParam(ImwriteFlags.JpegQuality, 92)))
            {
                throw new UserFacingException($"cannot write {imageFile}");
            }

            // Analyse what is stored, so regenerating from the style folder gives the same result.
            using var reread = Cv2.ImRead(imageFile, ImreadModes.Color);
            var manifest = Complete(given with { Image = StyleManifest.ImageFileName, Thumbnail = StyleThumbnail.FileName }, reread, building, predict);
            var old = Directory.Exists(target) ? target + $".{Guid.NewGuid():N}.old" : null;
            if (old is not null)
            {
                Directory.Move(target, old);
            }

            Directory.Move(building, target);
            if (old is not null)
            {
                Directory.Delete(old, recursive: true);
            }

            return manifest;
        }
        finally
        {
            if (Directory.Exists(building))
            {
                Directory.Delete(building, recursive: true);
            }
        }
    }

    /// <summary>Recomputes the thumbnail, palette, computed tags and vector of an existing style folder from its picture.</summary>
    public static StyleManifest Refresh(string styleFolder, Func<Mat, float[]>? predict)
    {
        var manifest = StyleManifest.Load(Path.Combine(styleFolder, StyleManifest.FileName));
        var imageFile = Path.Combine(styleFolder, manifest.Image);
        using var picture = StyleImage.Load(imageFile);
        var given = manifest.Tags.Where(t => !manifest.ComputedTags.Contains(t.Key)).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        return Complete(manifest with { Tags = given, Vector = predict is null ? manifest.Vector : null }, picture, styleFolder, predict);
    }

    /// <summary>What analysing <paramref name="picture"/> adds to <paramref name="given"/>; writes the thumbnail and style.json into <paramref name="folder"/>.</summary>
    public static StyleManifest Complete(StyleManifest given, Mat picture, string folder, Func<Mat, float[]>? predict)
    {
        var analysis = StyleAnalyzer.Analyze(picture);
        var tags = new Dictionary<string, string>(analysis.Tags, StringComparer.Ordinal);
        foreach (var (key, value) in given.Tags)
        {
            tags[key] = value;
        }

        var vector = predict?.Invoke(picture) ?? given.Vector;
        if (vector is not null)
        {
            StyleManifest.ValidateVector(vector, $"style '{given.Name}'");
        }

        var manifest = given with
        {
            Tags = new Dictionary<string, string>(tags.OrderBy(t => t.Key, StringComparer.Ordinal), StringComparer.Ordinal),
            ComputedTags = [.. analysis.Tags.Keys.Where(k => !given.Tags.ContainsKey(k)).Order(StringComparer.Ordinal)],
            Palette = [.. analysis.Palette],
            Measures = analysis.Measures,
            Vector = vector,
        };
        StyleThumbnail.Write(picture, Path.Combine(folder, manifest.Thumbnail));
        File.WriteAllText(Path.Combine(folder, StyleManifest.FileName), manifest.ToJson() + "\n");
        return manifest;
    }
}
