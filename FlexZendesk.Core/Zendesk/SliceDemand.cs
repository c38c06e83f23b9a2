namespace FlexZendesk.Core.Zendesk;

/// <summary>
/// How many turns this instance's next slice should lease (<see cref="SliceSize.Of"/>): its callers asking now, plus
/// those expected to ask soon. Not thread-safe: <see cref="SharedLimit"/> calls it under its lock.
/// </summary>
internal sealed class SliceDemand(TimeSpan horizon)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Queue<DateTimeOffset> _asks = new();
    private readonly Queue<DateTimeOffset> _ahead = new();
    private DateTimeOffset _refusedAt = DateTimeOffset.MinValue;

    /// <summary>A caller asked (a refused caller asking again is not new demand and is not counted).</summary>
    public void Asked(DateTimeOffset now)
    {
        _asks.Enqueue(now);
        Forget(now);
    }

    public void Forget(DateTimeOffset now)
    {
        while (_asks.Count > 0 && now - _asks.Peek() > Window)
        {
            _asks.Dequeue();
        }
    }

    /// <summary>A caller took a turn that has not come yet: while the budget binds, it comes back for more.</summary>
    public void TookAhead(DateTimeOffset turn) => _ahead.Enqueue(turn);

    public void Refused(DateTimeOffset now) => _refusedAt = now;

    /// <param name="waiting">Callers asking now, with no turn yet.</param>
    public SliceSize Wanted(DateTimeOffset now, int waiting)
    {
        while (_ahead.Count > 0 && _ahead.Peek() <= now)
        {
            _ahead.Dequeue();
        }

        // Callers holding a turn come back for more only while this instance gets fewer turns than it asks for (one of
        // them was refused within a horizon); once it gets all it asks for they may be its last, and turns leased for
        // them would lapse at the end of a burst.
        var ahead = now - _refusedAt <= horizon ? _ahead.Count : 0;
        return SliceSize.Of(waiting, ahead, _asks.Count);
    }
}
