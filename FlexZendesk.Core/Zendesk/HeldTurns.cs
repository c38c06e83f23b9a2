using Microsoft.Extensions.Logging;

namespace FlexZendesk.Core.Zendesk;

/// <summary>What the turns this instance holds give one caller.</summary>
internal enum Holding
{
    /// <summary>The caller took the earliest held turn.</summary>
    Taken,

    /// <summary>Turns are held, the earliest beyond the caller's reach: they are for callers that come later.</summary>
    BeyondReach,

    /// <summary>None held: a new slice is needed.</summary>
    None,
}

/// <summary>
/// The turns of one limit this instance leased and has not handed out, in time order, with the demand that sizes the
/// next slice (<see cref="SliceDemand"/>), under one lock. A turn not used within <see cref="TurnRule.Slack"/> lapses.
/// </summary>
internal sealed partial class HeldTurns(string limit, TimeSpan horizon, TimeProvider clock, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly List<DateTimeOffset> _turns = [];
    private readonly SliceDemand _demand = new(horizon);
    private DateTimeOffset _firstFree = DateTimeOffset.MinValue;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lapsed;

    public long Lapsed => Interlocked.Read(ref _lapsed);

    /// <summary>Completes when turns next arrive (a lease, or a turn put back).</summary>
    public Task Arriving
    {
        get
        {
            lock (_lock)
            {
                return _arrived.Task;
            }
        }
    }

    /// <returns>What the held turns give this caller, and the turn when it is <see cref="Holding.Taken"/>.</returns>
    /// <param name="countDemand">A new ask (false for a refused caller asking again): it sizes the next slice.</param>
    public (Holding Holding, DateTimeOffset? Turn) TryTake(bool countDemand, TimeSpan reach)
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            if (countDemand)
            {
                _demand.Asked(now);
            }
            else
            {
                _demand.Forget(now);
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
                return (Holding.None, null);
            }

            var turn = _turns[0];
            if (turn - now > reach)
            {
                return (Holding.BeyondReach, null);
            }

            _turns.RemoveAt(0);
            if (turn > now)
            {
                _demand.TookAhead(turn);
            }

            return (Holding.Taken, turn);
        }
    }

    /// <summary>Adds a leased slice; <paramref name="firstFree"/> is the shared schedule's next free turn after it.</summary>
    public void Add(List<DateTimeOffset> turns, DateTimeOffset firstFree)
    {
        lock (_lock)
        {
            _turns.AddRange(turns);
            _firstFree = firstFree;
        }
    }

    /// <summary>Puts back a turn a caller took but cannot use; it lapses as any other if nobody takes it.</summary>
    public void Return(DateTimeOffset turn)
    {
        lock (_lock)
        {
            var at = _turns.FindIndex(t => t > turn);
            _turns.Insert(at < 0 ? _turns.Count : at, turn);
        }

        Arrived();
    }

    /// <summary>Wakes the callers waiting on <see cref="Arriving"/>.</summary>
    public void Arrived()
    {
        TaskCompletionSource arrived;
        lock (_lock)
        {
            arrived = _arrived;
            _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.SetResult();
    }

    public void Refused()
    {
        lock (_lock)
        {
            _demand.Refused(clock.GetUtcNow());
        }
    }

    public SliceSize Wanted(int waiting)
    {
        lock (_lock)
        {
            return _demand.Wanted(clock.GetUtcNow(), waiting);
        }
    }

    /// <summary>The shared schedule's next free turn, as of the last lease, is beyond <paramref name="reach"/>: no lease can help yet.</summary>
    public bool FirstFreeBeyond(TimeSpan reach)
    {
        lock (_lock)
        {
            return _firstFree - clock.GetUtcNow() > reach;
        }
    }

    /// <summary>How long until a turn is free, here or in the shared schedule.</summary>
    public TimeSpan WaitForTurn()
    {
        lock (_lock)
        {
            var free = _turns.Count > 0 && _turns[0] < _firstFree ? _turns[0] : _firstFree;
            var wait = free - clock.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
    }

    /// <summary>The earliest turn held (one no caller could take yet), or null when none is.</summary>
    public DateTimeOffset? Earliest()
    {
        lock (_lock)
        {
            return _turns.Count > 0 ? _turns[0] : null;
        }
    }

    [LoggerMessage(LogLevel.Debug, "{Limit}: {Count} turns lapsed unused ({Held} still held)")]
    private static partial void LogLapsed(ILogger logger, string limit, int count, int held);
}
