using FlexZendesk.Core.Zendesk;

namespace FlexZendesk.UnitTests;

/// <summary>
/// The schedule of turns one Zendesk limit is spent by (pure arithmetic, no storage): which turns a slice gets, and how
/// an instance sizes the slice it asks for.
/// </summary>
[Category("Unit")]
public sealed class TurnRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    // 120 per minute: a turn every 0.526 s, a burst of 2, turns given out at most 2.5 s ahead (half a 5 s timeout).
    private static readonly TimeSpan Reach = TimeSpan.FromSeconds(2.5);
    private static readonly TurnRule Rule = TurnRule.For(120, Reach);

    [Test]
    public void TheRuleRunsAt95PercentOfTheLimitWithABurstOf2Percent()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Rule.Interval, Is.EqualTo(TimeSpan.FromSeconds(60 / (0.95 * 120))));
            Assert.That(Rule.Burst, Is.EqualTo(2));
            Assert.That(TurnRule.For(200, Reach).Burst, Is.EqualTo(4), "Team");
            Assert.That(TurnRule.For(40, Reach).Burst, Is.EqualTo(1), "never less than one turn");
        });
    }

    [Test]
    public void NoSixtySecondsHoldMoreTurnsThanTheLimitForAnyPlan()
    {
        foreach (var limit in new[] { 1, 2, 5, 10, 30, 49, 50, 60, 100, 120, 200, 400, 700, 2500 })
        {
            // Every turn taken as early as the schedule allows (the burst first), each used up to the 1 s slack late:
            // the busiest 60 s then hold the turns of 61 s.
            var rule = TurnRule.For(limit, TimeSpan.FromMinutes(5));
            var (turns, _) = rule.Grant(DateTimeOffset.MinValue, Now, new SliceSize(limit * 2, limit * 2), TimeSpan.FromMinutes(5));
            var window = TimeSpan.FromMinutes(1) + TurnRule.Slack;
            var busiest = turns.Max(t => turns.Count(u => u >= t && u < t + window));
            Assert.That(busiest, Is.LessThanOrEqualTo(limit), $"limit {limit}");
        }
    }

    [Test]
    public void ASliceGivesTheCallersAskingNowOnlyTurnsWithinTheirReach()
    {
        // The schedule is taken up to 3 intervals ahead; with the burst, turns may come one interval early, so the turns
        // 2, 3 and 4 intervals ahead (1.05-2.1 s) are within reach, 5 intervals (2.63 s) is not.
        var (turns, next) = Rule.Grant(Now + (Rule.Interval * 3), Now, new SliceSize(5, BeyondReach: 0), Reach);

        Assert.Multiple(() =>
        {
            Assert.That(turns, Is.EqualTo(Ahead(2, 3, 4)), "five callers asking, three turns within their reach: the other two are refused");
            Assert.That(next, Is.EqualTo(Now + (Rule.Interval * 6)));
        });
    }

    [Test]
    public void ASliceReachesFurtherOnlyForTheCallersStillToAsk()
    {
        var next = Now + (Rule.Interval * 3);

        Assert.Multiple(() =>
        {
            Assert.That(Rule.Grant(next, Now, new SliceSize(5, BeyondReach: 1), Reach).Turns, Is.EqualTo(Ahead(2, 3, 4, 5)));
            Assert.That(Rule.Grant(next, Now, new SliceSize(12, BeyondReach: 12), Reach).Turns, Is.EqualTo(Ahead(2, 3, 4, 5, 6, 7, 8, 9)), "at most one more horizon (5 s) ahead");
            Assert.That(Rule.Grant(Now + (Rule.Interval * 6), Now, new SliceSize(3, BeyondReach: 3), Reach).Turns, Is.Empty, "none when the first turn is out of reach");
        });
    }

    [Test]
    public void TheTurnsBeyondReachAreForCallersHoldingATurnOrAskingBeyondThoseWaiting()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SliceSize.Of(waiting: 4, ahead: 1, asked: 5), Is.EqualTo(new SliceSize(5, 1)), "a batch of four asking at once, one more holding a turn: only that one is still to ask");
            Assert.That(SliceSize.Of(waiting: 1, ahead: 10, asked: 2), Is.EqualTo(new SliceSize(11, 10)), "a busy instance's workers come back");
            Assert.That(SliceSize.Of(waiting: 1, ahead: 0, asked: 6), Is.EqualTo(new SliceSize(6, 5)), "asks keep coming at the last second's rate");
            Assert.That(SliceSize.Of(waiting: 0, ahead: 0, asked: 0), Is.EqualTo(new SliceSize(1, 0)));
        });
    }

    private static List<DateTimeOffset> Ahead(params int[] intervals) => intervals.Select(i => Now + (Rule.Interval * i)).ToList();
}
