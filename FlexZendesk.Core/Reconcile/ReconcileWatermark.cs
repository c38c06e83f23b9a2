using Azure.Data.Tables;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Storage;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Reconcile;

/// <summary>
/// How far reconciliation got, per workspace: one row of <c>{Ledger:TablePrefix}Reconcile</c> (PartitionKey the
/// workspace, RowKey <c>events</c>) holding the instant up to which every event has been checked, and a lease that
/// keeps a second instance (or an overlapping run) from reading the same span at the same time. Written with ETag
/// concurrency: a run whose lease was taken over stops at its next write.
/// </summary>
public sealed class ReconcileWatermark(StorageClients storage, IOptions<LedgerOptions> options)
{
    private const string RowKey = "events";
    private readonly Lazy<TableClient> _table = new(() => storage.Tables.GetTableClient(options.Value.TablePrefix + "Reconcile"));

    /// <summary>A run that holds the lease: where it starts, and the row to advance.</summary>
    public sealed class Run
    {
        internal Run(TableEntity row) => Row = row;

        internal TableEntity Row { get; }

        /// <summary>Every event up to here was checked by an earlier run; null before the first.</summary>
        public DateTimeOffset? Until => Row.GetInt64("UntilTicks") is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }

    /// <summary>Takes the lease until <paramref name="leaseUntil"/>; null when another run holds it.</summary>
    public async Task<Run?> TryStartAsync(string workspaceSid, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var found = await Tables.RunAsync(_table.Value, t => t.GetEntityIfExistsAsync<TableEntity>(workspaceSid, RowKey, cancellationToken: cancellationToken), cancellationToken);
        var row = found.HasValue ? found.Value! : new TableEntity(workspaceSid, RowKey);
        if (row.GetInt64("LeaseUntilTicks") is { } held && held > now.UtcTicks && row.GetString("LeaseOwner") != owner)
        {
            return null;
        }

        row["LeaseUntilTicks"] = leaseUntil.UtcTicks;
        row["LeaseOwner"] = owner;
        return await TryWriteAsync(row, cancellationToken) ? new Run(row) : null;
    }

    /// <summary>Records that every event up to <paramref name="until"/> is checked; false when the lease was lost.</summary>
    public async Task<bool> AdvanceAsync(Run run, DateTimeOffset until, CancellationToken cancellationToken)
    {
        run.Row["UntilTicks"] = until.UtcTicks;
        return await TryWriteAsync(run.Row, cancellationToken);
    }

    /// <summary>Gives the lease back, so the next run need not wait for it to expire.</summary>
    public async Task FinishAsync(Run run, CancellationToken cancellationToken)
    {
        run.Row["LeaseUntilTicks"] = 0L;
        await TryWriteAsync(run.Row, cancellationToken);
    }

    private Task<bool> TryWriteAsync(TableEntity row, CancellationToken cancellationToken) => Tables.TryWriteAsync(_table.Value, row, cancellationToken);
}
