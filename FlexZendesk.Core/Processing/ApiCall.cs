using System.Net;
using Refit;

namespace FlexZendesk.Core.Processing;

/// <summary>
/// Runs one REST call and sorts its failures: 429/5xx/408/409/timeouts and rejected credentials are retryable
/// (credentials end in the poison queue, replayable once fixed, rather than dropped); other 4xx are permanent.
/// </summary>
public static class ApiCall
{
    public static async Task<TResponse> SendAsync<TResponse>(Func<Task<TResponse>> call, string operation, CancellationToken cancellationToken)
        where TResponse : IApiResponse
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new RetryableException($"{operation}: no answer ({ex.GetType().Name})", inner: ex);
        }
    }

    /// <summary>The content of a 2xx answer, or the classified failure.</summary>
    public static async Task<T> RequireAsync<T>(Func<Task<IApiResponse<T>>> call, string operation, CancellationToken cancellationToken)
    {
        var response = await SendAsync(call, operation, cancellationToken);
        return response.IsSuccessStatusCode && response.Content is not null ? response.Content : throw Failure(response, operation);
    }

    public static Exception Failure(IApiResponse response, string operation)
    {
        // Refit hands exceptions thrown while sending (our budget handler, timeouts, resets) back as the
        // response's Error with no status: keep their meaning instead of inventing one.
        for (Exception? inner = response.Error?.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is RetryableException retryable)
            {
                return retryable;
            }
        }

        if (response.StatusCode is null && response.Error?.InnerException is { } sendFailure)
        {
            return new RetryableException($"{operation}: no answer ({sendFailure.GetType().Name})", inner: sendFailure);
        }

        // No status at all means the call never got an answer.
        var status = (int?)response.StatusCode ?? 503;
        var reason = $"{operation}: HTTP {status} {Summary(response)}";
        return (HttpStatusCode)status switch
        {
            HttpStatusCode.TooManyRequests => new RetryableException(reason, RetryAfter(response)),
            HttpStatusCode.RequestTimeout or HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed
                or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new RetryableException(reason),
            _ when status >= 500 => new RetryableException(reason),
            _ => new PermanentException(reason, InvalidFields(response)),
        };
    }

    /// <summary>The fields a Zendesk <c>RecordInvalid</c> answer names in <c>details</c>; none for any other body.</summary>
    private static List<string> InvalidFields(IApiResponse response)
    {
        if ((response.Error as ApiException)?.Content is not { Length: > 0 } content)
        {
            return [];
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(content);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                   && document.RootElement.TryGetProperty("details", out var details)
                   && details.ValueKind == System.Text.Json.JsonValueKind.Object
                ? [.. details.EnumerateObject().Select(p => p.Name)]
                : [];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }

    private static TimeSpan? RetryAfter(IApiResponse response)
    {
        var header = response.Headers?.RetryAfter;
        return header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
    }

    // The error body names the API's error (RecordInvalid, IdempotentRequestError...); it never holds our credentials.
    private static string Summary(IApiResponse response)
    {
        var content = (response.Error as ApiException)?.Content ?? "";
        return content.Length > 300 ? content[..300] + "…" : content;
    }
}
