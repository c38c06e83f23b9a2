using Azure.Data.Tables;
using FlexZendesk.Core.Storage;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Ledger;

/// <summary>Phone/email → Zendesk user id, shared by all tasks, so a known caller costs no user search.</summary>
public sealed class RequesterCache(StorageClients storage, IOptions<LedgerOptions> options)
{
    private readonly Lazy<TableClient> _table = new(() => storage.Tables.GetTableClient(options.Value.TablePrefix + "Requesters"));

    public async Task<long?> FindAsync(string kind, string value, CancellationToken cancellationToken)
    {
        var found = await Tables.RunAsync(_table.Value, t => t.GetEntityIfExistsAsync<TableEntity>(kind, Key(value), cancellationToken: cancellationToken), cancellationToken);
        return found.HasValue ? found.Value!.GetInt64("UserId") : null;
    }

    public Task RememberAsync(string kind, string value, long userId, CancellationToken cancellationToken) =>
        Tables.RunAsync(_table.Value, t => t.UpsertEntityAsync(new TableEntity(kind, Key(value)) { ["UserId"] = userId }, TableUpdateMode.Replace, cancellationToken), cancellationToken);

    // Row keys may not hold / \ # ? or control characters.
    private static string Key(string value) => Uri.EscapeDataString(value.ToLowerInvariant());
}
