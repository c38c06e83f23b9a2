using Azure;
using Azure.Data.Tables;

namespace FlexZendesk.Core.Storage;

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

    /// <summary>
    /// Inserts <paramref name="row"/> (no ETag yet) or replaces it if unchanged since it was read, and keeps the new
    /// ETag; false when another writer got there first (409/412): reload and decide again.
    /// </summary>
    public static async Task<bool> TryWriteAsync(TableClient table, TableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            var response = await RunAsync(table, t => row.ETag == default
                ? t.AddEntityAsync(row, cancellationToken)
                : t.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken), cancellationToken);
            row.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RetryableException ex) when (ex.InnerException is RequestFailedException { Status: 409 or 412 })
        {
            return false;
        }
    }
}
