using Azure.Data.Tables;
using FlexZendesk.Core.Processing;
using FlexZendesk.Core.Storage;

namespace FlexZendesk.Core.Ledger;

internal static class Tables
{
    /// <summary>Runs a table operation, creating the table on first use; storage failures become retryable.</summary>
    public static async Task<T> RunAsync<T>(TableClient table, Func<TableClient, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await StorageCall.CreatingAsync(() => operation(table), () => table.CreateIfNotExistsAsync(cancellationToken));
        }
        catch (Exception ex) when (StorageCall.IsFailure(ex, cancellationToken))
        {
            throw new RetryableException($"Azure Table {table.Name}: {StorageCall.Describe(ex)}", inner: ex);
        }
    }
}
