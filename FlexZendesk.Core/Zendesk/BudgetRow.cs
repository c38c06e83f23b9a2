using Azure.Data.Tables;
using FlexZendesk.Core.Storage;

namespace FlexZendesk.Core.Zendesk;

/// <summary>
/// One limit's shared schedule: a table row (PartitionKey the Zendesk account's host, RowKey the limit) holding the
/// next free turn, which every instance advances with ETag concurrency when it leases a slice of turns. Nothing is
/// ever given back: a slice whose instance dies lapses with time, so a crash costs at most one slice of turns.
/// </summary>
/// <remarks>
/// Storage cost: one write per slice while this instance's copy of the row is current; a write that loses to another
/// instance (412) costs one read and one more write. Callers serialise their leases (one at a time per row).
/// </remarks>
internal sealed class BudgetRow(Lazy<TableClient> table, string account, string limit, TimeProvider clock)
{
    private const string NextProperty = "NextTurnTicks";
    private TableEntity? _known;

    /// <summary>Storage transactions this row has cost (reads and writes).</summary>
    public long StorageCalls => Interlocked.Read(ref _storageCalls);

    private long _storageCalls;

    /// <summary>Leases up to <paramref name="wanted"/>'s turns; no turns when the schedule is full beyond <paramref name="reach"/>.</summary>
    /// <returns>The turns, and when the next free turn comes after them.</returns>
    /// <exception cref="RetryableException">Storage failed or stayed contended; marked <c>NotSent</c>: no Zendesk request left.</exception>
    public async Task<(List<DateTimeOffset> Turns, DateTimeOffset FirstFree)> LeaseAsync(TurnRule rule, SliceSize wanted, TimeSpan reach, CancellationToken cancellationToken)
    {
        try
        {
            return await TryLeaseAsync(rule, wanted, reach, cancellationToken);
        }
        catch (RetryableException ex) when (!ex.NotSent)
        {
            throw new RetryableException($"Zendesk budget {limit}: {ex.Message}", inner: ex) { NotSent = true };
        }
    }

    private async Task<(List<DateTimeOffset> Turns, DateTimeOffset FirstFree)> TryLeaseAsync(TurnRule rule, SliceSize wanted, TimeSpan reach, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var row = _known ?? await ReadAsync(cancellationToken);
            var now = clock.GetUtcNow();
            var next = new DateTimeOffset(row.GetInt64(NextProperty) ?? 0, TimeSpan.Zero);
            var (turns, after) = rule.Grant(next, now, wanted, reach);
            if (turns.Count == 0)
            {
                return (turns, rule.FirstFree(next, now));
            }

            row[NextProperty] = after.UtcTicks;
            if (await TryWriteAsync(row, cancellationToken))
            {
                return (turns, rule.FirstFree(after, now));
            }
        }

        throw new RetryableException("the shared row kept changing under other instances' leases");
    }

    private async Task<TableEntity> ReadAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _storageCalls);
        var found = await Tables.RunAsync(table.Value, t => t.GetEntityIfExistsAsync<TableEntity>(account, limit, cancellationToken: cancellationToken), cancellationToken);
        return found.HasValue ? found.Value! : new TableEntity(account, limit) { [NextProperty] = 0L };
    }

    /// <summary>Inserts the row or replaces it if unchanged since read; false (and the copy forgotten) when another instance wrote first.</summary>
    private async Task<bool> TryWriteAsync(TableEntity row, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _storageCalls);
        try
        {
            _known = await Tables.TryWriteAsync(table.Value, row, cancellationToken) ? row : null;
            return _known is not null;
        }
        catch
        {
            _known = null;
            throw;
        }
    }
}
