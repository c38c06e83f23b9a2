using Microsoft.Extensions.Logging;

namespace FlexZendesk.Core.Zendesk;

/// <summary>
/// One account-wide Zendesk limit as this instance sees it: turns leased from the shared <see cref="BudgetRow"/> in
/// slices, handed out here in time order. A slice is sized to this instance's demand: the callers asking now plus,
/// while one of its callers was refused within a horizon, those already holding a turn that has not come yet (while
/// the budget binds, they are this instance's parallel workers and come back for more), or the turns asked for in the
/// last second, whichever is more; only turns for the callers still to ask lie beyond the reach of those asking now
/// (<see cref="SliceSize.Of"/>). So a busy instance pays one storage write per many Zendesk calls, an instance whose
/// work ends leaves few turns to lapse, and an idle one leases nothing.
/// </summary>
internal sealed partial class SharedLimit(string limit, TurnRule rule, BudgetRow row, TimeProvider clock, ILogger logger) : IDisposable
{
    private static readonly TimeSpan DemandWindow = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly List<DateTimeOffset> _turns = [];
    private readonly Queue<DateTimeOffset> _demand = new();
    private readonly Queue<DateTimeOffset> _ahead = new();
    private readonly SemaphoreSlim _leasing = new(1, 1);
    private DateTimeOffset _firstFree = DateTimeOffset.MinValue;
    private DateTimeOffset _refusedAt = DateTimeOffset.MinValue;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;
    private long _leased;
    private long _lapsed;

    /// <summary>The setting that names this limit, for messages.</summary>
    public string Limit => limit;

    public BudgetUse Use => new(Interlocked.Read(ref _leased), Interlocked.Read(ref _lapsed), row.StorageCalls);

    /// <summary>
    /// Completes when this instance next gets turns (a lease, or a turn a caller put back): a caller refused before may
    /// find one in reach then. Take it before looking at <see cref="HeldTurn"/>, so that no lease falls between the two.
    /// </summary>
    public Task TurnsArrived
    {
        get
        {
            lock (_lock)
            {
                return _arrived.Task;
            }
        }
    }

    /// <summary>This caller's turn (now or later, at most <paramref name="reach"/> ahead), or null when none is that soon.</summary>
    /// <param name="reach">The rule's horizon, or less for a caller that yields to those who may wait longer.</param>
    /// <param name="again">A refused caller asking once more: it is not new demand, so it does not size the next slice.</param>
    public async Task<DateTimeOffset?> TakeAsync(TimeSpan reach, bool again, CancellationToken cancellationToken)
    {
        var turn = await TakeOrRefuseAsync(reach, again, cancellationToken);
        if (turn is null)
        {
            lock (_lock)
            {
                _refusedAt = clock.GetUtcNow();
            }
        }

        return turn;
    }

    private async Task<DateTimeOffset?> TakeOrRefuseAsync(TimeSpan reach, bool again, CancellationToken cancellationToken)
    {
        var (turn, empty) = TryTake(countDemand: !again, reach);
        if (!empty)
        {
            return turn;
        }

        // Refused before, and the schedule only moves later: no storage call until a turn can be in reach (and no
        // place among the callers that size the next slice).
        if (FirstFreeBeyond(reach))
        {
            return null;
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            await _leasing.WaitAsync(cancellationToken);
            try
            {
                // Another caller's lease may have brought enough turns for this one too.
                (turn, empty) = TryTake(countDemand: false, reach);
                if (!empty)
                {
                    return turn;
                }

                if (FirstFreeBeyond(reach))
                {
                    return null;
                }

                var wanted = Wanted();
                var (turns, firstFree) = await row.LeaseAsync(rule, wanted, reach, cancellationToken);
                lock (_lock)
                {
                    _turns.AddRange(turns);
                    _firstFree = firstFree;
                }

                Interlocked.Add(ref _leased, turns.Count);
                LogLeased(logger, limit, turns.Count, wanted.Turns, wanted.BeyondReach, (turns.Count > 0 ? turns[^1] - clock.GetUtcNow() : TimeSpan.Zero).TotalMilliseconds, (firstFree - clock.GetUtcNow()).TotalMilliseconds);
                var taken = TryTake(countDemand: false, reach).Turn;
                if (turns.Count > (taken is null ? 0 : 1))
                {
                    // The rest of the slice is for this instance's other callers, those refused before too.
                    Arrived();
                }

                return taken;
            }
            finally
            {
                _leasing.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>Puts back a turn a caller took but cannot use (its other limit refused); it lapses as any other if nobody takes it.</summary>
    public void Return(DateTimeOffset turn)
    {
        lock (_lock)
        {
            var at = _turns.FindIndex(t => t > turn);
            _turns.Insert(at < 0 ? _turns.Count : at, turn);
        }

        Arrived();
    }

    /// <summary>How long until a turn is free, here or in the shared schedule (for Retry-After).</summary>
    public TimeSpan WaitForTurn()
    {
        lock (_lock)
        {
            var free = _turns.Count > 0 && _turns[0] < _firstFree ? _turns[0] : _firstFree;
            var wait = free - clock.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
    }

    /// <summary>The earliest turn this instance holds (one no caller could take yet), or null when it holds none.</summary>
    public DateTimeOffset? HeldTurn()
    {
        lock (_lock)
        {
            return _turns.Count > 0 ? _turns[0] : null;
        }
    }

    public void Dispose() => _leasing.Dispose();

    private bool FirstFreeBeyond(TimeSpan reach)
    {
        lock (_lock)
        {
            return _firstFree - clock.GetUtcNow() > reach;
        }
    }

    private void Arrived()
    {
        TaskCompletionSource arrived;
        lock (_lock)
        {
            arrived = _arrived;
            _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.SetResult();
    }

    /// <returns>The earliest turn this instance holds if it is within <paramref name="reach"/>; <c>Empty</c> when it holds none.</returns>
    private (DateTimeOffset? Turn, bool Empty) TryTake(bool countDemand, TimeSpan reach)
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            if (countDemand)
            {
                _demand.Enqueue(now);
            }

            while (_demand.Count > 0 && now - _demand.Peek() > DemandWindow)
            {
                _demand.Dequeue();
            }

            // A turn not used within the slack lapses: used late, it would spend in a later minute what belonged to an earlier one.
            var fresh = _turns.FindIndex(t => t >= now - TurnRule.Slack);
            var lapsed = fresh < 0 ? _turns.Count : fresh;
            if (lapsed > 0)
            {
                _turns.RemoveRange(0, lapsed);
                Interlocked.Add(ref _lapsed, lapsed);
                LogLapsed(logger, limit, lapsed, _turns.Count);
            }

            if (_turns.Count == 0)
            {
                return (null, true);
            }

            var turn = _turns[0];
            if (turn - now > reach)
            {
                // The end of a slice, for callers that come later: this one would wait longer than it may.
                return (null, false);
            }

            _turns.RemoveAt(0);
            if (turn > now)
            {
                _ahead.Enqueue(turn);
            }

            return (turn, false);
        }
    }

    private SliceSize Wanted()
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            while (_ahead.Count > 0 && _ahead.Peek() <= now)
            {
                _ahead.Dequeue();
            }

            // The callers holding a turn come back for more while this instance gets fewer turns than it asks for (one
            // of its callers was refused within a horizon); once it gets all it asks for, they may be its last: at the
            // end of a burst they are, and turns leased for them would lapse while other instances' callers are refused.
            var ahead = now - _refusedAt <= rule.Horizon ? _ahead.Count : 0;
            return SliceSize.Of(Volatile.Read(ref _waiting), ahead, _demand.Count);
        }
    }

    [LoggerMessage(LogLevel.Debug, "{Limit}: leased {Count} turns of {Wanted} wanted ({BeyondReach} of them for callers still to ask), the last in {LastMs} ms; the shared schedule is free in {FreeMs} ms")]
    private static partial void LogLeased(ILogger logger, string limit, int count, int wanted, int beyondReach, double lastMs, double freeMs);

    [LoggerMessage(LogLevel.Debug, "{Limit}: {Count} turns lapsed unused ({Held} still held)")]
    private static partial void LogLapsed(ILogger logger, string limit, int count, int held);
}
