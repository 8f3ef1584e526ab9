using System.Globalization;
using VideoStyler.Models;
using VideoStyler.Styles;

namespace VideoStyler.Live;

/// <summary>
/// A picture sent from the control page becomes a picture style: its style vector is predicted, it is
/// saved as a new style in the user style folder (never over an existing one), and the live run switches
/// to it. The picture is kept in a temporary file only while the style is made.
/// </summary>
internal sealed class StyleUpload
{
    /// <summary>The largest picture accepted (32 MB).</summary>
    public const long MaxBytes = 32L << 20;

    /// <summary>The error for a picture over <see cref="MaxBytes"/>.</summary>
    public static readonly string TooLarge = string.Create(CultureInfo.InvariantCulture, $"the picture is over {MaxBytes >> 20} MB");

    private readonly StyleLibrary _library;
    private readonly StyleSwitcher _switcher;

    /// <param name="library">The networks (a new style must not shadow one) and where styles are listed.</param>
    /// <param name="switcher">Switches the live run to the new style.</param>
    public StyleUpload(StyleLibrary library, StyleSwitcher switcher)
    {
        _library = library;
        _switcher = switcher;
    }

    /// <summary>Every style the run can switch to: the user's and the shipped picture styles, and the networks.</summary>
    public StyleCatalog Catalog() => new(StyleCatalog.UserStylesFolder(), StyleCatalog.FindShippedStylesFolder(), _library);

    /// <summary>Why <paramref name="name"/> cannot name a new style, or null when it can.</summary>
    public static string? NameProblem(string name) =>
        name.Length == 0 || name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? "give the new style a name (?name=NAME: letters, digits, - and _)"
            : null;

    /// <summary>Whether a style (picture or network) of this name exists already.</summary>
    public bool Exists(string name) => Catalog().Find(name) is not null;

    /// <summary>
    /// Reads the picture from <paramref name="picture"/>, makes it the style <paramref name="name"/> and switches to it.
    /// A body that is not a picture, or one over <see cref="MaxBytes"/>, is a <see cref="UserFacingException"/>.
    /// </summary>
    /// <returns>The name of the style now running.</returns>
    public async Task<string> AddAsync(string name, Stream picture, CancellationToken cancellationToken)
    {
        var catalog = Catalog();
        var upload = Path.Combine(Path.GetTempPath(), $"videostyler-upload-{Guid.NewGuid():N}");
        try
        {
            await using (var file = File.Create(upload))
            {
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await picture.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > MaxBytes)
                    {
                        throw new UserFacingException(TooLarge);
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }

            await Task.Run(
                () =>
                {
                    using var predictor = Stylize.Arbitrary.StylePredictor.Load(intraOpThreads: 1);
                    StyleMaker.Create(
                        new StyleManifest { Name = name, Title = name, Source = "uploaded on the live page" },
                        upload,
                        catalog.UserFolder,
                        predictor.Predict,
                        force: false);
                },
                cancellationToken).ConfigureAwait(false);
            return await _switcher.SwitchAsync(name).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(upload);
        }
    }
}
