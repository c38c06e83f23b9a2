namespace FlexZendesk.Core.Zendesk;

/// <summary>
/// One Zendesk limit as a schedule of turns (the generic cell rate algorithm): turns every <see cref="Interval"/> (95 %
/// of the limit), <see cref="Burst"/> (2 %) at once after a quiet spell; its state is one instant, the next free turn,
/// so instances share it through one table row. Any 60 s holds at most 96.6 % + 2 % of the limit (docs/budget.md).
/// </summary>
internal sealed record TurnRule(TimeSpan Interval, int Burst, TimeSpan Horizon)
{
    /// <param name="horizon">How far ahead a turn may be given out: further than that, the caller is refused (and retries later).</param>
    public static TurnRule For(int perMinute, TimeSpan horizon) =>
        new(TimeSpan.FromSeconds(60.0 / (0.95 * perMinute)), Math.Max(1, perMinute / 50), horizon);

    /// <summary>
    /// How late a turn may still be used; later, it lapses, so an idle slice never spends a later minute's budget. One
    /// second: far more than a lease's storage write takes (the first turns of a slice are "now" when it is computed).
    /// </summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gives up to <paramref name="wanted"/>'s turns from a schedule whose next free turn is <paramref name="next"/>: none
    /// when the first is beyond <paramref name="reach"/>; of the rest at most <see cref="SliceSize.BeyondReach"/> beyond
    /// it (for callers still to ask), at most one more horizon ahead (docs/budget.md, slices).
    /// </summary>
    /// <returns>The turns, in time order, and the schedule's new next free turn.</returns>
    public (List<DateTimeOffset> Turns, DateTimeOffset Next) Grant(DateTimeOffset next, DateTimeOffset now, SliceSize wanted, TimeSpan reach)
    {
        var turns = new List<DateTimeOffset>(Math.Min(wanted.Turns, 64));
        var beyond = 0;
        while (turns.Count < wanted.Turns)
        {
            var turn = FirstFree(next, now);
            if (turn - now > reach)
            {
                if (turns.Count == 0 || beyond == wanted.BeyondReach || turn - now > reach + Horizon)
                {
                    break;
                }

                beyond++;
            }

            turns.Add(turn);
            next = (next > now ? next : now) + Interval;
        }

        return (turns, next);
    }

    /// <summary>When the next turn comes for a schedule whose next free turn is <paramref name="next"/>: now, or later.</summary>
    public DateTimeOffset FirstFree(DateTimeOffset next, DateTimeOffset now)
    {
        if (next <= now)
        {
            return now;
        }

        var early = next - (Interval * (Burst - 1));
        return early > now ? early : now;
    }
}

/// <summary>How many turns a slice asks for, and how many of them may lie beyond the asking caller's reach.</summary>
/// <param name="Turns">This instance's demand: its callers asking now and those expected to ask soon.</param>
/// <param name="BeyondReach">Those expected to ask soon (they will have a reach of their own, further on).</param>
internal readonly record struct SliceSize(int Turns, int BeyondReach)
{
    /// <summary>
    /// The callers asking now, plus those expected to ask soon: those holding a turn still to come, or the last second's
    /// asks beyond those waiting, whichever is more (a batch arriving at once is not counted twice; docs/budget.md).
    /// </summary>
    /// <param name="waiting">Callers asking now, with no turn yet.</param>
    /// <param name="ahead">Callers holding a turn that has not come yet.</param>
    /// <param name="asked">Asks in the last second (a refused caller's second ask not counted).</param>
    public static SliceSize Of(int waiting, int ahead, int asked)
    {
        var later = Math.Max(ahead, asked - waiting);
        return new(Math.Max(1, waiting + later), later);
    }
}
