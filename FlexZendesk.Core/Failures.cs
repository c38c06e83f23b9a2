using System.Net;

namespace FlexZendesk.Core;

/// <summary>A failure a later attempt can fix (5xx, 429, timeouts, conflicts): the message goes back on the queue.</summary>
public sealed class RetryableException(string reason, TimeSpan? retryAfter = null, Exception? inner = null) : Exception(reason, inner)
{
    /// <summary>How long the remote side asked us to wait (429 Retry-After), if it said.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The request never left this process (the Zendesk budget refused it): nothing to check on the remote side.</summary>
    public bool NotSent { get; init; }
}

/// <summary>A failure no retry fixes (422 on a closed ticket, 400): logged with its reason and acknowledged.</summary>
/// <param name="invalidFields">For Zendesk's 422 <c>RecordInvalid</c>: the fields its <c>details</c> names (e.g. <c>requester</c>).</param>
public sealed class PermanentException(string reason, IReadOnlyCollection<string>? invalidFields = null) : Exception(reason)
{
    public IReadOnlyCollection<string> InvalidFields { get; } = invalidFields ?? [];
}

/// <summary>Storage could not take the message; the caller should answer 503 so Twilio retries.</summary>
public sealed class QueueUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The one rule for a failed REST call, Zendesk's and Twilio's alike: 429, 408, 409, 412, 5xx and rejected credentials
/// are retryable (credentials end in the poison queue, replayable once fixed, rather than dropped); other 4xx are
/// permanent; no answer at all (a timeout, a dropped connection) is retryable.
/// </summary>
public static class HttpFailure
{
    /// <param name="reason">What failed, for logs and the poison queue: never a secret.</param>
    public static Exception Of(int status, string reason, TimeSpan? retryAfter = null, IReadOnlyCollection<string>? invalidFields = null, Exception? inner = null) =>
        IsRetryable(status) ? new RetryableException(reason, status == (int)HttpStatusCode.TooManyRequests ? retryAfter : null, inner) : new PermanentException(reason, invalidFields);

    /// <summary>The call got no answer: <paramref name="cause"/> is a timeout, a reset, a refused connection.</summary>
    public static RetryableException NoAnswer(string operation, Exception cause, Exception? inner = null) =>
        new($"{operation}: no answer ({cause.GetType().Name})", inner: inner ?? cause);

    public static bool IsRetryable(int status) => status is 408 or 409 or 412 or 429 or 401 or 403 or >= 500;
}
