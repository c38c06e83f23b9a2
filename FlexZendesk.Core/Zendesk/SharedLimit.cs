using Microsoft.Extensions.Logging;

namespace FlexZendesk.Core.Zendesk;

/// <summary>
/// One account-wide Zendesk limit as this instance sees it: turns leased from the shared <see cref="BudgetRow"/> in
/// slices sized by <see cref="SliceDemand"/>, handed out from <see cref="HeldTurns"/> in time order. A busy instance
/// pays one storage write per many Zendesk calls, an instance whose work ends leaves few turns to lapse, an idle one
/// leases nothing (docs/budget.md).
/// </summary>
internal sealed partial class SharedLimit(string limit, TurnRule rule, BudgetRow row, TimeProvider clock, ILogger logger) : IDisposable
{
    private readonly HeldTurns _held = new(limit, rule.Horizon, clock, logger);
    private readonly SemaphoreSlim _leasing = new(1, 1);
    private int _waiting;
    private long _leased;

    /// <summary>The setting that names this limit, for messages.</summary>
    public string Limit => limit;

    public BudgetUse Use => new(Interlocked.Read(ref _leased), _held.Lapsed, row.StorageCalls);

    /// <summary>
    /// Completes when this instance next gets turns (a lease, or a turn a caller put back). Take it before looking at
    /// <see cref="HeldTurn"/>, so that no lease falls between the two.
    /// </summary>
    public Task TurnsArrived => _held.Arriving;

    /// <summary>This caller's turn (now or later, at most <paramref name="reach"/> ahead), or null when none is that soon.</summary>
    /// <param name="reach">The rule's horizon, or less for a caller that yields to those who may wait longer.</param>
    /// <param name="again">A refused caller asking once more: not new demand, so it does not size the next slice.</param>
    public async Task<DateTimeOffset?> TakeAsync(TimeSpan reach, bool again, CancellationToken cancellationToken)
    {
        var turn = await TakeOrLeaseAsync(reach, again, cancellationToken);
        if (turn is null)
        {
            _held.Refused();
        }

        return turn;
    }

    private async Task<DateTimeOffset?> TakeOrLeaseAsync(TimeSpan reach, bool again, CancellationToken cancellationToken)
    {
        var (holding, turn) = _held.TryTake(countDemand: !again, reach);
        // Refused before, and the schedule only moves later: no storage call until a turn can be in reach.
        if (holding != Holding.None || _held.FirstFreeBeyond(reach))
        {
            return turn;
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            await _leasing.WaitAsync(cancellationToken);
            try
            {
                // Another caller's lease may have brought enough turns for this one too.
                (holding, turn) = _held.TryTake(countDemand: false, reach);
                return holding != Holding.None || _held.FirstFreeBeyond(reach) ? turn : await LeaseAsync(reach, cancellationToken);
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

    /// <summary>Leases a slice from the shared row and takes this caller's turn from it; the rest is for this instance's other callers.</summary>
    private async Task<DateTimeOffset?> LeaseAsync(TimeSpan reach, CancellationToken cancellationToken)
    {
        var wanted = _held.Wanted(Volatile.Read(ref _waiting));
        var (turns, firstFree) = await row.LeaseAsync(rule, wanted, reach, cancellationToken);
        _held.Add(turns, firstFree);
        Interlocked.Add(ref _leased, turns.Count);
        var now = clock.GetUtcNow();
        LogLeased(logger, limit, turns.Count, wanted.Turns, wanted.BeyondReach, (turns.Count > 0 ? turns[^1] - now : TimeSpan.Zero).TotalMilliseconds, (firstFree - now).TotalMilliseconds);
        var (holding, taken) = _held.TryTake(countDemand: false, reach);
        if (turns.Count > (holding == Holding.Taken ? 1 : 0))
        {
            // The rest of the slice is for this instance's other callers, those refused before too.
            _held.Arrived();
        }

        return taken;
    }

    /// <summary>Puts back a turn a caller took but cannot use (its other limit refused); it lapses as any other if nobody takes it.</summary>
    public void Return(DateTimeOffset turn) => _held.Return(turn);

    /// <summary>How long until a turn is free, here or in the shared schedule (for Retry-After).</summary>
    public TimeSpan WaitForTurn() => _held.WaitForTurn();

    /// <summary>The earliest turn this instance holds (one no caller could take yet), or null when it holds none.</summary>
    public DateTimeOffset? HeldTurn() => _held.Earliest();

    public void Dispose() => _leasing.Dispose();

    [LoggerMessage(LogLevel.Debug, "{Limit}: leased {Count} turns of {Wanted} wanted ({BeyondReach} of them for callers still to ask), the last in {LastMs} ms; the shared schedule is free in {FreeMs} ms")]
    private static partial void LogLeased(ILogger logger, string limit, int count, int wanted, int beyondReach, double lastMs, double freeMs);
}

/// <summary>What one limit's shared budget cost this instance: turns leased, turns that lapsed unused, storage transactions.</summary>
public readonly record struct BudgetUse(long Leased, long Lapsed, long StorageCalls);
