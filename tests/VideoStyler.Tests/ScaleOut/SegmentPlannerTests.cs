using VideoStyler.ScaleOut;

namespace VideoStyler.Tests.ScaleOut;

/// <summary>Where the planner cuts: near source keyframes when there are any, evenly otherwise.</summary>
public class SegmentPlannerTests
{
    private static FrameTimes Clip(int frames, int stepMs, params int[] keyframes) =>
        new(Enumerable.Range(0, frames).Select(i => (long)i * stepMs).ToList(), keyframes.ToHashSet());

    [Fact]
    public void Cuts_snap_to_the_nearest_keyframe_within_a_quarter_segment()
    {
        // 300 frames, keyframes every 48 frames: the even cuts at 100 and 200 move to 96 and 192.
        var times = Clip(300, 40, Enumerable.Range(0, 7).Select(i => i * 48).ToArray());

        var plan = SegmentPlanner.Plan(times, 3, 8);

        Assert.Equal([0L, 96L, 192L], plan.Select(s => s.FirstFrame));
        Assert.Equal([96L, 96L, 108L], plan.Select(s => s.FrameCount));
        Assert.All(plan, s => Assert.True(s.OnSourceKeyframe));
        Assert.Equal(300, plan.Sum(s => s.FrameCount));
    }

    [Fact]
    public void Without_keyframes_near_the_split_the_cut_is_even_and_the_warmup_reaches_back()
    {
        var times = Clip(89, 33, 0); // webcam clips: one keyframe
        var plan = SegmentPlanner.Plan(times, 3, 8);

        Assert.Equal([0L, 30L, 59L], plan.Select(s => s.FirstFrame));
        Assert.False(plan[1].OnSourceKeyframe);
        Assert.Equal(0, plan[0].WarmupFrames);
        Assert.Equal(8, plan[1].WarmupFrames);
        Assert.Equal(22L * 33, plan[1].WarmupStartMs);
        // Segment membership is decided half-way between frames, so rounding never moves a frame.
        Assert.Null(plan[0].FromMs);
        Assert.Equal((29 * 33 + 30 * 33) / 2.0, plan[0].ToMs);
        Assert.Equal(plan[0].ToMs, plan[1].FromMs);
        Assert.Null(plan[2].ToMs);
        Assert.Equal([true, true, false], plan.Select(s => s.Lookahead));
        Assert.Equal(30 * 33 / 1000.0, plan[0].DurationSeconds);
    }

    [Fact]
    public void Warmup_never_reaches_before_the_first_frame()
    {
        var plan = SegmentPlanner.Plan(Clip(10, 40, 0), 5, 8);

        Assert.Equal([0L, 0L, 0L, 0L, 0L], plan.Select(s => s.WarmupFirstFrame));
        Assert.All(plan, s => Assert.Equal(2, s.FrameCount));
    }

    [Fact]
    public void More_segments_than_frames_is_refused()
    {
        var ex = Assert.Throws<UserFacingException>(() => SegmentPlanner.Plan(Clip(4, 40, 0), 5, 8));
        Assert.Contains("cannot cut 4 frames into 5 segments", ex.Message);
    }

    [Fact]
    public void Frame_times_come_sorted_from_packets_in_decode_order()
    {
        // B-frames: packets arrive in decode order (I P B B ...); the start time is taken off.
        const string csv = "0.500000,K__\n0.633000,___\n0.567000,___\n0.600000,___\nN/A,___\n0.700000,K__\n";

        var times = FrameTimes.Parse(csv, 0.5, "clip");

        Assert.Equal([0L, 67L, 100L, 133L, 200L], times.PresentationMs);
        Assert.Equal(new HashSet<int> { 0, 4 }, times.Keyframes);
        Assert.Equal([0L, 67L], times.Take(2).PresentationMs);
    }
}
