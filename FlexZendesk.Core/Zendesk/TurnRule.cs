namespace FlexZendesk.Core.Zendesk;

/// <summary>
/// One Zendesk limit as a schedule of turns (the "generic cell rate algorithm", equivalent to a token bucket): turns
/// come every <see cref="Interval"/> (95 % of the limit), and after a quiet spell <see cref="Burst"/> of them (2 % of
/// the limit) come at once. The schedule's whole state is one instant, the next free turn, so every instance can share it
/// through one table row.
/// </summary>
/// <remarks>
/// Bound: a turn is used no later than <see cref="Slack"/> (1 s) after it comes, so any 60 s, clock minute or not, holds
/// the turns of at most 61 s: at most 61 s / T + 1 + (burst - 1) turns = 96.6 % + 2 % of the limit, under it (Team 200:
/// 197; Update Ticket 100: 98; Professional 400: 394; Enterprise 700: 690; High Volume 2500: 2464). Sustained use is
/// 95 %. (Until 2026-11-26 it was 93 % with a 4 % burst: the same bound, but 2 % less throughput while the budget binds.)
/// </remarks>
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
    /// when the first is further ahead than <paramref name="reach"/> (the horizon, or less for a request that may wait
    /// less), and of the rest at most <see cref="SliceSize.BeyondReach"/> beyond that reach, at most one more horizon
    /// ahead. A slice reaches past the horizon so that, while the budget binds and the schedule is taken up to the
    /// horizon, an instance still leases its workers' turns in one slice instead of one turn per storage write as each
    /// comes into reach; but only for callers still to ask: those asking now cannot wait that long, and a turn leased
    /// for them there would lapse.
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
    /// The callers asking now (they need turns within their reach), plus those expected to ask soon, for whom the slice
    /// may reach further: the callers holding a turn still to come (while the budget binds they come back for more), or
    /// the asks of the last second beyond those still waiting, if that is more. Counting the waiting callers' asks a
    /// second time would lease, for a batch of messages that all arrive at once, turns beyond their reach, which lapse.
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
