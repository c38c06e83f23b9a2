using Azure;
using Azure.Data.Tables;
using FlexZendesk.Core.Processing;

namespace FlexZendesk.Core.Ledger;

internal static class Tables
{
    /// <summary>Runs a table operation, creating the table on first use; storage failures become retryable.</summary>
    public static async Task<T> RunAsync<T>(TableClient table, Func<TableClient, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            try
            {
                return await operation(table);
            }
            catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == "TableNotFound")
            {
                await table.CreateIfNotExistsAsync(cancellationToken);
                return await operation(table);
            }
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or AggregateException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new RetryableException($"Azure Table {table.Name}: {(ex as RequestFailedException)?.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ex.GetType().Name}", inner: ex);
        }
    }
}
