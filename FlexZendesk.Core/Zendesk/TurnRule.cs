namespace FlexZendesk.Core.Zendesk;

/// <summary>
/// One Zendesk limit as a schedule of turns (the "generic cell rate algorithm", equivalent to a token bucket): turns
/// come every <see cref="Interval"/> (93 % of the limit), and after a quiet spell <see cref="Burst"/> of them (4 % of
/// the limit) come at once. The schedule's whole state is one instant, the next free turn, so every instance can share it
/// through one table row.
/// </summary>
/// <remarks>
/// Bound: a turn is used no later than <see cref="Slack"/> (1 s) after it comes, so any 60 s, clock minute or not, holds
/// the turns of at most 61 s: at most 61 s / T + 1 + (burst - 1) turns = 94.6 % + 4 % of the limit, under it (Team 200:
/// 197; Update Ticket 100: 98; Professional 400: 393; High Volume 2500: 2463). Sustained use is 93 %.
/// </remarks>
internal sealed record TurnRule(TimeSpan Interval, int Burst, TimeSpan Horizon)
{
    /// <param name="horizon">How far ahead a turn may be given out: further than that, the caller is refused (and retries later).</param>
    public static TurnRule For(int perMinute, TimeSpan horizon) =>
        new(TimeSpan.FromSeconds(60.0 / (0.93 * perMinute)), Math.Max(1, perMinute / 25), horizon);

    /// <summary>
    /// How late a turn may still be used; later, it lapses, so an idle slice never spends a later minute's budget. One
    /// second: far more than a lease's storage write takes (the first turns of a slice are "now" when it is computed).
    /// </summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gives up to <paramref name="wanted"/> turns from a schedule whose next free turn is <paramref name="next"/>: none
    /// when the first is further ahead than <paramref name="reach"/> (the horizon, or less for a request that may
    /// wait less), and the rest of the slice at most one more horizon ahead. A slice reaches past the horizon so that,
    /// while the budget binds and the schedule is taken up to the horizon, an instance still leases its workers' turns
    /// in one slice instead of one turn per storage write as each comes into reach.
    /// </summary>
    /// <returns>The turns, in time order, and the schedule's new next free turn.</returns>
    public (List<DateTimeOffset> Turns, DateTimeOffset Next) Grant(DateTimeOffset next, DateTimeOffset now, int wanted, TimeSpan reach)
    {
        var turns = new List<DateTimeOffset>(Math.Min(wanted, 64));
        while (turns.Count < wanted)
        {
            var turn = FirstFree(next, now);
            if (turn - now > (turns.Count == 0 ? reach : reach + Horizon))
            {
                break;
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
