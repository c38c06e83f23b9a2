namespace FlexZendesk.Core.Processing;

/// <summary>A failure a later attempt can fix (5xx, 429, timeouts, conflicts): the message goes back on the queue.</summary>
public sealed class RetryableException(string reason, TimeSpan? retryAfter = null, Exception? inner = null) : Exception(reason, inner)
{
    /// <summary>How long the remote side asked us to wait (429 Retry-After), if it said.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The request never left this process (the Zendesk budget refused it): nothing to check on the remote side.</summary>
    public bool NotSent { get; init; }
}
