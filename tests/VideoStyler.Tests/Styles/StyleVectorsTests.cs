using VideoStyler.Styles;
using VideoStyler.Stylize.Arbitrary;

namespace VideoStyler.Tests.Styles;

public class StyleVectorsTests
{
    private static float[] Vector(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, StyleManifest.VectorLength).Select(_ => (float)(random.NextDouble() * 2) - 1)];
    }

    [Fact]
    public void Mix_with_weights_one_and_zero_is_the_single_style()
    {
        var a = Vector(1);
        var b = Vector(2);
        Assert.Equal(a, StyleVectors.Mix([(a, 1.0), (b, 0.0)]));
        Assert.Equal(b, StyleVectors.Mix([(a, 0.0), (b, 3.0)]));
    }

    [Fact]
    public void Mix_is_the_weighted_average()
    {
        var a = Vector(1);
        var b = Vector(2);
        var mixed = StyleVectors.Mix([(a, 0.7), (b, 0.3)]);
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal((0.7 * a[i]) + (0.3 * b[i]), mixed[i], 5);
        }
    }

    [Fact]
    public void Cosine_is_one_for_the_same_direction_and_orders_by_likeness()
    {
        var a = Vector(1);
        Assert.Equal(1.0, StyleVectors.Cosine(a, [.. a.Select(x => x * 3)]), 6);
        var near = a.Select((x, i) => i == 0 ? x + 0.1f : x).ToArray();
        Assert.True(StyleVectors.Cosine(a, near) > StyleVectors.Cosine(a, Vector(2)));
        Assert.Equal(-1.0, StyleVectors.Cosine(a, [.. a.Select(x => -x)]), 6);
    }

    [Fact]
    public void A_vector_of_the_wrong_length_is_one_clear_error()
    {
        var error = Assert.Throws<UserFacingException>(() => StyleManifest.ValidateVector(new float[99], "x.json"));
        Assert.Equal("style vector in x.json has 99 numbers; a style vector has 100", error.Message);
    }

    [Fact]
    public void Tag_filters_match_any_word_of_a_value()
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["palette"] = "cool,vivid,dark", ["texture"] = "fine" };
        Assert.True(TagFilter.Matches(tags, "palette=cool"));
        Assert.True(TagFilter.Matches(tags, "palette=DARK"));
        Assert.False(TagFilter.Matches(tags, "palette=warm"));
        Assert.False(TagFilter.Matches(tags, "texture=cool"));
        Assert.True(TagFilter.Matches(tags, "fine"));
        Assert.True(TagFilter.MatchesAll(tags, ["palette=cool", "texture=fine"]));
        Assert.False(TagFilter.MatchesAll(tags, ["palette=cool", "texture=bold"]));
    }

    [Fact]
    public void Suggestions_come_from_the_nearest_tagged_styles_and_given_keys_win()
    {
        var a = Vector(1);
        var b = Vector(2);
        StyleEntry Style(string name, float[] v, string technique) => new()
        {
            Name = name,
            Kind = StyleKind.Picture,
            Origin = name,
            Vector = v,
            Tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["technique"] = technique, ["era"] = "x-" + technique },
        };
        var near = a.Select(x => x * 0.9f).ToArray();
        var styles = new[] { Style("a1", near, "oil"), Style("a2", near, "oil"), Style("b1", b, "print") };
        var suggestions = TagSuggester.Suggest(a, styles, new Dictionary<string, string>(StringComparer.Ordinal));
        Assert.Contains(suggestions, s => s is { Key: "technique", Value: "oil" });
        Assert.Contains(suggestions, s => s is { Key: "era", Value: "x-oil" });

        var given = TagSuggester.Suggest(a, styles, new Dictionary<string, string>(StringComparer.Ordinal) { ["technique"] = "collage" });
        Assert.DoesNotContain(given, s => s.Key == "technique");
    }
}
