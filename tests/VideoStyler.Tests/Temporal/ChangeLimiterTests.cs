using VideoStyler.Temporal;

namespace VideoStyler.Tests.Temporal;

public sealed class ChangeLimiterTests
{
    [Theory]
    [InlineData(100, 100, 50, 1f, 63)] // lasting: 10 confirmed + 3 more
    [InlineData(100, 50, 50, 1f, 53)] // flickers back: only the 3 unconfirmed levels
    [InlineData(100, 60, 50, 1f, 63)] // next frame confirms 10 of the 50 (all the confirmed limit allows) + 3
    [InlineData(100, 55, 50, 1f, 58)] // confirms 5 + 3
    [InlineData(100, 50, 50, 0f, 63)] // untrusted lookahead: taken as confirming
    [InlineData(0, 0, 50, 1f, 37)] // the same downwards
    [InlineData(52, 40, 50, 1f, 52)] // within the unconfirmed limit: passes exactly
    public void Step_FollowsConfirmedChangesFurther(byte current, byte next, byte warped, float trust, byte expected)
    {
        Assert.Equal(expected, ChangeLimiter.Step(current, next, warped, trust, scale: 1, tolerance: 3, confirmedTolerance: 10));
    }

    [Fact]
    public void Step_LowConfidenceWidensBothLimits()
    {
        // scale = 1 / confidence: at confidence 0.1 the limits are 30 and 100, so a change of 80 passes.
        Assert.Equal(180, ChangeLimiter.Step(180, 180, 100, 1, scale: 10, tolerance: 3, confirmedTolerance: 10));
    }

    [Fact]
    public void Row_VectorPathAndScalarTailAgreeWithTheRule()
    {
        // 3 x 37 values: not a multiple of any vector width, so both paths run.
        const int length = 111;
        var random = new Random(5);
        var current = new byte[length];
        var next = new byte[length];
        var warped = new byte[length];
        random.NextBytes(current);
        random.NextBytes(next);
        random.NextBytes(warped);
        var trust = Enumerable.Range(0, length).Select(_ => (float)random.NextDouble()).ToArray();
        var scale = Enumerable.Range(0, length).Select(_ => 1 + (float)(3 * random.NextDouble())).ToArray();
        var result = new byte[length];

        ChangeLimiter.Row(current, next, warped, trust, scale, 6, 20, result);

        for (var i = 0; i < length; i++)
        {
            Assert.Equal(ChangeLimiter.Step(current[i], next[i], warped[i], trust[i], scale[i], 6, 20), result[i]);
            Assert.InRange(result[i], Math.Min(current[i], warped[i]), Math.Max(current[i], warped[i]));
        }
    }
}
