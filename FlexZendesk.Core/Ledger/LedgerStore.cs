using Azure.Data.Tables;
using FlexZendesk.Core.Storage;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Ledger;

/// <summary>Reads and writes task ledgers; a write loses (returns false) when another worker wrote first.</summary>
public sealed class LedgerStore(StorageClients storage, IOptions<LedgerOptions> options, TimeProvider clock)
{
    private readonly Lazy<TableClient> _table = new(() => storage.Tables.GetTableClient(options.Value.TablePrefix + "Tasks"));

    /// <summary>The task's ledger for processing one event: the one load, and every later save, of that processing.</summary>
    public async Task<LedgerSession> OpenAsync(string taskSid, CancellationToken cancellationToken) =>
        new(this, await LoadAsync(taskSid, cancellationToken), clock, TimeSpan.FromSeconds(options.Value.ClaimTimeoutSeconds));

    internal async Task<TaskLedger> LoadAsync(string taskSid, CancellationToken cancellationToken)
    {
        var found = await Tables.RunAsync(_table.Value, t => t.GetEntityIfExistsAsync<TableEntity>(taskSid, "task", cancellationToken: cancellationToken), cancellationToken);
        return found.HasValue ? new TaskLedger(found.Value!) : new TaskLedger(taskSid);
    }

    /// <summary>
    /// Applies <paramref name="change"/> and saves; when another worker wrote first, reloads, applies again and
    /// retries. For changes that are right whatever else was recorded meanwhile (marking an effect done).
    /// </summary>
    internal async Task<TaskLedger> UpdateAsync(TaskLedger ledger, Action<TaskLedger> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            change(ledger);
            if (await TrySaveAsync(ledger, cancellationToken))
            {
                return ledger;
            }

            ledger = await LoadAsync(ledger.TaskSid, cancellationToken);
        }

        throw new RetryableException($"The ledger of task {ledger.TaskSid} kept changing under concurrent writers");
    }

    /// <summary>Inserts a new ledger or replaces it if unchanged since it was read. False: someone else wrote first; reload.</summary>
    internal Task<bool> TrySaveAsync(TaskLedger ledger, CancellationToken cancellationToken) =>
        Tables.TryWriteAsync(_table.Value, ledger.Entity, cancellationToken);
}
