using Azure;

namespace FlexZendesk.Core.Storage;

/// <summary>
/// The two rules every Azure Storage call of the app follows: a queue, table or blob container is created on its
/// first use (start-up stays free of I/O), and a failure of storage itself (an error answer, no answer, a timeout)
/// is told apart from our own cancellation so each caller can turn it into its one exception.
/// </summary>
public static class StorageCall
{
    /// <summary>Runs <paramref name="operation"/>; when its queue, table or container does not exist yet, creates it and runs it once more.</summary>
    public static async Task<T> CreatingAsync<T>(Func<Task<T>> operation, Func<Task> create)
    {
        try
        {
            return await operation();
        }
        catch (RequestFailedException ex) when (IsMissingContainer(ex))
        {
            await create();
            return await operation();
        }
    }

    /// <summary>A failure of storage, not our own cancellation: the SDK reports timeouts after its retries as AggregateException or a cancellation we did not ask for.</summary>
    public static bool IsFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is RequestFailedException or HttpRequestException or AggregateException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>
    /// What went wrong, for a log line or an exception message (never a secret: statuses, error codes, type names):
    /// <c>HTTP 409 EntityAlreadyExists</c>, or for the SDK's exhausted retries every distinct attempt's failure.
    /// </summary>
    public static string Describe(Exception ex) => ex switch
    {
        RequestFailedException failed => $"HTTP {failed.Status} {failed.ErrorCode}".TrimEnd(),
        AggregateException many => "retries exhausted: " + string.Join("; ", many.InnerExceptions.Select(Describe).Distinct()),
        _ => ex.GetType().Name,
    };

    /// <summary>404 for the queue, table or container itself; a missing entity, message or blob is not this.</summary>
    private static bool IsMissingContainer(RequestFailedException ex) =>
        ex.Status == 404 && ex.ErrorCode is "QueueNotFound" or "TableNotFound" or "ContainerNotFound";
}
