using Refit;

namespace FlexZendesk.Core.Zendesk;

/// <summary>Runs one Refit call and sorts its failures by <see cref="HttpFailure"/>'s rule.</summary>
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
            throw HttpFailure.NoAnswer(operation, ex);
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
            return HttpFailure.NoAnswer(operation, sendFailure);
        }

        // No status at all means the call never got an answer.
        var status = (int?)response.StatusCode ?? 503;
        return HttpFailure.Of(status, $"{operation}: HTTP {status} {Summary(response)}", RetryAfter(response), InvalidFields(response));
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
